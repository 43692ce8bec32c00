//! A stand-in for the voice platform's recording storage: HTTPS with a
//! certificate for `recordings.test` (and `localhost`) from a test CA
//! (`tests/fixtures/tls`, made with openssl, valid until 2126), on
//! 127.0.0.2 — a loopback address the test server is told to exempt, so
//! 127.0.0.1 stays refused. Besides recordings it serves what a recording
//! URL must never bring back: an HTML page, a redirect, something huge.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use base64::Engine;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

pub const CA_PEM: &str = include_str!("../fixtures/tls/ca.pem");
const CERT_PEM: &str = include_str!("../fixtures/tls/store.pem");
const KEY_PEM: &str = include_str!("../fixtures/tls/store.key");

/// The address the store listens on.
pub const ADDR: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

fn der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("PEM body")
}

pub struct RecordingStore {
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RecordingStore {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RecordingStore {
    /// Serves the store; `redirect_to` is where `/redirect` points.
    pub async fn start(redirect_to: String) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(der(CERT_PEM))],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der(KEY_PEM))),
            )
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let huge = vec![0u8; 4 * 1024 * 1024];
        let app = Router::new()
            .route("/recordings/{name}", get(super::fake_retell::recording))
            .route(
                "/page.html",
                get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<h1>internal</h1>") }),
            )
            .route(
                "/redirect",
                get(move || {
                    let to = redirect_to.clone();
                    async move { (StatusCode::FOUND, [(header::LOCATION, to)]).into_response() }
                }),
            )
            .route(
                "/huge.wav",
                get(move || {
                    let body = huge.clone();
                    async move { ([(header::CONTENT_TYPE, "audio/wav")], body) }
                }),
            );
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ADDR, 0))
            .await
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let (acceptor, app) = (acceptor.clone(), app.clone());
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let svc = hyper_util::service::TowerToHyperService::new(app);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), svc)
                        .await;
                });
            }
        });
        RecordingStore { port, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://recordings.test:{}{path}", self.port)
    }
}

/// The test server's recording policy for this store: its name resolves to
/// the store's address, which alone is exempt from the internal-range check.
pub fn policy() -> callboard::media::MediaPolicy {
    callboard::media::MediaPolicy {
        hosts: vec!["recordings.test".into(), "localhost".into()],
        allow_addresses: vec![ipnet::IpNet::from(ADDR)],
        resolve: vec![("recordings.test".into(), ADDR)],
        extra_root_pem: Some(CA_PEM.as_bytes().to_vec()),
        max_bytes: 1024 * 1024,
        timeout: std::time::Duration::from_secs(10),
    }
}
