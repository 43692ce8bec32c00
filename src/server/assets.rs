//! The built browser assets under `/pkg` (the wasm bundle, its JS glue, the
//! stylesheet) and response compression for everything else.
//!
//! `scripts/release` writes `.br` and `.gz` copies next to each asset and gives
//! the JS and wasm content-hashed names; a development build has neither, so
//! its assets are compressed on the fly and revalidated on every load.

use std::path::Path;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

/// Serves `<site_root>/<pkg_dir>`, preferring a precompressed copy the browser accepts.
pub fn pkg(site_root: &str, pkg_dir: &str) -> ServeDir {
    ServeDir::new(Path::new(site_root).join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip()
}

/// Brotli or gzip for pages, server functions, CSV and the assets that have no
/// precompressed copy. Never for recordings (audio is compressed already, and
/// the player seeks by byte range), images, or live-update streams (the
/// default predicate keeps `text/event-stream` and images out; a compressor
/// would hold events back until its buffer fills).
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("audio/")))
}

/// How long a browser may keep an asset: a content-hashed name
/// (`callboard.<hash>.wasm`) never changes meaning, so a year without asking;
/// any other name is revalidated (ETag / Last-Modified) on every use.
pub fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    }
}

/// `name.<hash>.ext`, the hash being at least 10 letters or digits.
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let mut parts = file.rsplit('.');
    let (Some(_ext), Some(hash), Some(_stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    hash.len() >= 10
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_names_are_immutable() {
        assert_eq!(
            cache_control("/pkg/callboard.3f9a0c2b7d1e4a56.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("/pkg/callboard.wasm"), "public, no-cache");
        assert_eq!(cache_control("/pkg/callboard.css"), "public, no-cache");
        assert_eq!(cache_control("/pkg/callboard.v2.js"), "public, no-cache");
    }
}
