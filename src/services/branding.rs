//! Organizations' looks, changed by super admins (and `seed-demo`). Every
//! change is validated, audited and announced (`config` notification), so
//! every server process renders the next page with it.

use crate::db::{self, audit::Actor, audit::Entry, branding::Asset, PlatformAccess};
use crate::domain::{normalize_color, validate::Checks, BrandingEditor, MAX_ASSET_BYTES};
use crate::error::AppError;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

/// Which uploaded image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    Logo,
    Favicon,
}

impl AssetKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "logo" => Some(AssetKind::Logo),
            "favicon" => Some(AssetKind::Favicon),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Logo => "logo",
            AssetKind::Favicon => "favicon",
        }
    }
}

/// The organization's look for the console's editor.
pub async fn editor(
    pool: &PgPool,
    access: PlatformAccess,
    org_id: Uuid,
) -> Result<BrandingEditor, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let org = db::branding::by_id(&mut tx, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let brand_name = db::branding::brand_name(&mut tx, org_id).await?;
    tx.commit().await?;
    Ok(BrandingEditor {
        org_id,
        org_name: org.name,
        brand_name: brand_name.unwrap_or_default(),
        branding: org.branding,
    })
}

/// Stores the display name (empty: the organization's name) and colours.
pub async fn set_look(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    org_id: Uuid,
    brand_name: &str,
    primary: &str,
    secondary: &str,
) -> Result<(), AppError> {
    let name = brand_name.trim();
    let (p, s) = (normalize_color(primary), normalize_color(secondary));
    Checks::new()
        .check(
            "brand_name",
            if name.chars().count() > 120 {
                Err("At most 120 characters.".into())
            } else {
                Ok(())
            },
        )
        .check(
            "primary_color",
            p.as_ref().map(|_| ()).map_err(Clone::clone),
        )
        .check(
            "secondary_color",
            s.as_ref().map(|_| ()).map_err(Clone::clone),
        )
        .finish()?;
    let (p, s) = (p.unwrap_or_default(), s.unwrap_or_default());
    let mut tx = db::tx::platform(pool, access).await?;
    let name = (!name.is_empty()).then_some(name);
    if db::branding::set_look(&mut tx, org_id, name, &p, &s).await? == 0 {
        return Err(AppError::NotFound);
    }
    let entry = Entry {
        org_id: Some(org_id),
        action: "branding.update",
        target: None,
        metadata: json!({ "brand_name": name, "primary": p, "secondary": s }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    db::notify::commit_config(tx, org_id).await?;
    Ok(())
}

/// Why an upload was refused. The code travels in the console's redirect,
/// so the page shows our message, never text from a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageProblem {
    Empty,
    TooLarge,
    NotAnImage,
    UnsafeSvg,
}

impl ImageProblem {
    pub fn code(self) -> &'static str {
        match self {
            ImageProblem::Empty => "empty",
            ImageProblem::TooLarge => "too_large",
            ImageProblem::NotAnImage => "not_an_image",
            ImageProblem::UnsafeSvg => "unsafe_svg",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            ImageProblem::Empty,
            ImageProblem::TooLarge,
            ImageProblem::NotAnImage,
            ImageProblem::UnsafeSvg,
        ]
        .into_iter()
        .find(|p| p.code() == code)
    }

    pub fn message(self) -> &'static str {
        crate::domain::image_problem_message(self.code())
    }
}

/// Checks an uploaded image by its content (never by its name or declared
/// type) and returns what to store.
pub fn check_image(bytes: &[u8]) -> Result<Asset, ImageProblem> {
    if bytes.is_empty() {
        return Err(ImageProblem::Empty);
    }
    if bytes.len() > MAX_ASSET_BYTES {
        return Err(ImageProblem::TooLarge);
    }
    let content_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else {
        check_svg(bytes)?;
        "image/svg+xml"
    };
    Ok(Asset {
        content_type: content_type.into(),
        bytes: bytes.to_vec(),
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

/// An SVG is accepted only if it can do nothing but draw: no scripts, event
/// handlers, embedded documents, external references or DTDs. (It is also
/// served with a CSP that forbids scripts, in case a browser sees more than
/// this check does.)
fn check_svg(bytes: &[u8]) -> Result<(), ImageProblem> {
    let text = std::str::from_utf8(bytes).map_err(|_| ImageProblem::NotAnImage)?;
    // roxmltree refuses DTDs (and so entity tricks) by default.
    let doc = roxmltree::Document::parse(text).map_err(|_| ImageProblem::NotAnImage)?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err(ImageProblem::NotAnImage);
    }
    for node in doc.descendants() {
        if node.is_element() {
            let name = node.tag_name().name().to_ascii_lowercase();
            if matches!(
                name.as_str(),
                "script" | "foreignobject" | "iframe" | "embed" | "object" | "handler" | "listener"
            ) {
                return Err(ImageProblem::UnsafeSvg);
            }
            for attr in node.attributes() {
                let key = attr.name().to_ascii_lowercase();
                let value = attr.value().trim().to_ascii_lowercase();
                let reference = key == "href" || key == "src";
                if key.starts_with("on")
                    || value.contains("javascript:")
                    || (reference && !value.starts_with('#'))
                {
                    return Err(ImageProblem::UnsafeSvg);
                }
            }
        }
        if node.is_text() {
            let t = node.text().unwrap_or_default().to_ascii_lowercase();
            if t.contains("@import") || t.contains("url(http") || t.contains("url(//") {
                return Err(ImageProblem::UnsafeSvg);
            }
        }
    }
    Ok(())
}

pub async fn set_asset(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    org_id: Uuid,
    kind: AssetKind,
    bytes: &[u8],
) -> Result<(), AppError> {
    let asset = check_image(bytes).map_err(|p| AppError::field("file", p.code()))?;
    let mut tx = db::tx::platform(pool, access).await?;
    if db::branding::by_id(&mut tx, org_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    db::branding::put_asset(&mut tx, org_id, kind.as_str(), &asset).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "branding.asset.set",
        target: Some(kind.as_str().into()),
        metadata: json!({ "type": asset.content_type, "bytes": asset.bytes.len(), "sha256": asset.sha256 }),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    db::notify::commit_config(tx, org_id).await?;
    Ok(())
}

pub async fn remove_asset(
    pool: &PgPool,
    access: PlatformAccess,
    actor: &Actor,
    org_id: Uuid,
    kind: AssetKind,
) -> Result<(), AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    if db::branding::delete_asset(&mut tx, org_id, kind.as_str()).await? == 0 {
        return Err(AppError::NotFound);
    }
    let entry = Entry {
        org_id: Some(org_id),
        action: "branding.asset.remove",
        target: Some(kind.as_str().into()),
        metadata: json!({}),
    };
    db::audit::record(&mut tx, actor, entry).await?;
    db::notify::commit_config(tx, org_id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG_OK: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>"##;

    #[test]
    fn images_are_recognised_by_content() {
        assert_eq!(
            check_image(b"\x89PNG\r\n\x1a\nrest").unwrap().content_type,
            "image/png"
        );
        assert_eq!(
            check_image(&[0xff, 0xd8, 0xff, 0xe0, 1])
                .unwrap()
                .content_type,
            "image/jpeg"
        );
        assert_eq!(
            check_image(SVG_OK.as_bytes()).unwrap().content_type,
            "image/svg+xml"
        );
        assert_eq!(
            check_image(b"GIF89a...").unwrap_err(),
            ImageProblem::NotAnImage
        );
        assert_eq!(
            check_image(b"<html><body/></html>").unwrap_err(),
            ImageProblem::NotAnImage
        );
        assert_eq!(check_image(b"").unwrap_err(), ImageProblem::Empty);
        for p in [
            ImageProblem::Empty,
            ImageProblem::TooLarge,
            ImageProblem::NotAnImage,
            ImageProblem::UnsafeSvg,
        ] {
            assert_eq!(ImageProblem::from_code(p.code()), Some(p));
            assert!(!p.message().is_empty());
        }
    }

    #[test]
    fn large_files_are_refused_with_their_size() {
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_ASSET_BYTES + 1, 0);
        assert_eq!(check_image(&big).unwrap_err(), ImageProblem::TooLarge);
        big.truncate(MAX_ASSET_BYTES);
        assert!(check_image(&big).is_ok());
    }

    #[test]
    fn svgs_that_could_do_more_than_draw_are_refused() {
        for bad in [
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="http://evil.example/a.svg#x"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>"#,
            r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#,
        ] {
            assert!(check_image(bad.as_bytes()).is_err(), "accepted: {bad}");
        }
    }

    #[test]
    fn the_digest_names_the_content() {
        let a = check_image(SVG_OK.as_bytes()).unwrap();
        assert_eq!(a.sha256.len(), 64);
        assert_eq!(a.sha256, check_image(SVG_OK.as_bytes()).unwrap().sha256);
    }
}
