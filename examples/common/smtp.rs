//! A small SMTP server that keeps every message it receives, for the tests
//! and the end-to-end run: the outbox worker delivers to it over a real
//! socket with a real SMTP client, and the tests read what arrived. It
//! speaks the part of RFC 5321 a client needs (EHLO/HELO, MAIL, RCPT, DATA,
//! RSET, NOOP, QUIT), without authentication or TLS.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One delivered message: the envelope and the raw data (headers and body).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Delivered {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone, Default)]
pub struct Mailbox {
    messages: Arc<Mutex<Vec<Delivered>>>,
}

impl Mailbox {
    pub fn all(&self) -> Vec<Delivered> {
        self.messages.lock().unwrap().clone()
    }

    /// The messages to `address`, oldest first (the tests; the e2e sink
    /// serves them all).
    #[allow(dead_code)]
    pub fn to(&self, address: &str) -> Vec<Delivered> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }
}

/// Serves SMTP on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, mailbox: Mailbox) {
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            continue;
        };
        let mailbox = mailbox.clone();
        tokio::spawn(async move {
            let _ = session(socket, mailbox).await;
        });
    }
}

async fn session(socket: tokio::net::TcpStream, mailbox: Mailbox) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 mail-sink ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-mail-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command[10..]);
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&command[8..]));
            b"250 OK\r\n"
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            b"250 OK\r\n"
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                // Dot-stuffing: a leading ".." stands for ".".
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            mailbox.messages.lock().unwrap().push(Delivered {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
            });
            b"250 OK: queued\r\n"
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// `<a@b>` (with any parameters after it) as `a@b`.
fn address(arg: &str) -> String {
    let arg = arg.trim();
    let inner = arg
        .strip_prefix('<')
        .and_then(|a| a.split_once('>'))
        .map(|(a, _)| a)
        .unwrap_or(arg);
    inner.trim().to_string()
}
