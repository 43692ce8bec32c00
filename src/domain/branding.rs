//! An organization's look: the name its users see, two colours, a logo and
//! a favicon. Colour arithmetic (WCAG contrast) lives here so the server
//! (authoritative, and for the page's CSS) and the editor's live preview
//! agree.

use serde::{Deserialize, Serialize};

pub const PLATFORM_NAME: &str = "Callboard";
pub const DEFAULT_PRIMARY: &str = "#2f5bea";
pub const DEFAULT_SECONDARY: &str = "#0f766e";
pub const MAX_ASSET_BYTES: usize = 1024 * 1024;

/// Dark text for light backgrounds.
pub const DARK_TEXT: &str = "#111827";
pub const LIGHT_TEXT: &str = "#ffffff";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    /// The name shown in the UI (the brand name, or the organization's name).
    pub display_name: String,
    pub primary: String,
    pub secondary: String,
    /// Our own URLs, with a version so browsers can cache them for long.
    pub logo_url: Option<String>,
    pub favicon_url: Option<String>,
}

impl Branding {
    /// The platform's own neutral look (the root domain).
    pub fn platform() -> Self {
        Branding {
            display_name: PLATFORM_NAME.into(),
            primary: DEFAULT_PRIMARY.into(),
            secondary: DEFAULT_SECONDARY.into(),
            logo_url: None,
            favicon_url: None,
        }
    }

    /// The `:root` custom properties for this look. Text colours on brand
    /// backgrounds are chosen for contrast, not configured.
    pub fn css_variables(&self) -> String {
        let primary = parse_color(&self.primary).unwrap_or((0x2f, 0x5b, 0xea));
        let secondary = parse_color(&self.secondary).unwrap_or((0x0f, 0x76, 0x6e));
        format!(
            ":root{{--brand:{};--brand-contrast:{};--brand-2:{};--brand-2-contrast:{};}}",
            hex(primary),
            text_on(primary),
            hex(secondary),
            text_on(secondary)
        )
    }
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// What the console's branding editor shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandingEditor {
    pub org_id: uuid::Uuid,
    pub org_name: String,
    /// As saved: empty means "use the organization's name".
    pub brand_name: String,
    pub branding: Branding,
}

/// `#rrggbb` (any case) as RGB.
pub fn parse_color(value: &str) -> Option<(u8, u8, u8)> {
    let v = value.trim().strip_prefix('#')?;
    if v.len() != 6 || !v.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&v[i..i + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

/// A colour as stored: lower-case `#rrggbb`, or why not.
pub fn normalize_color(value: &str) -> Result<String, String> {
    parse_color(value)
        .map(hex)
        .ok_or_else(|| "Choose a colour, written as # and six hex digits, e.g. #2f5bea.".into())
}

/// The message for an upload problem code (see `services::branding::ImageProblem`).
pub fn image_problem_message(code: &str) -> &'static str {
    match code {
        "empty" => "Choose an image file.",
        "too_large" => "That file is larger than 1 MB; images can be at most 1 MB.",
        "unsafe_svg" => {
            "This SVG contains scripts, links or embedded content; export it as a plain drawing, or upload a PNG."
        }
        _ => "Upload a PNG, JPEG or SVG image.",
    }
}

/// WCAG relative luminance.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// WCAG contrast ratio between two colours, 1–21.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The text colour (white or near-black) that reads best on `background`.
pub fn text_on(background: (u8, u8, u8)) -> &'static str {
    let white = contrast(background, (255, 255, 255));
    let dark = contrast(background, (0x11, 0x18, 0x27));
    if white >= dark {
        LIGHT_TEXT
    } else {
        DARK_TEXT
    }
}

/// Warnings for a colour used for buttons and links: button text is chosen
/// automatically, but a colour too close to the white page makes links and
/// outlines hard to see, and a mid-tone leaves even the best text weak.
pub fn color_warnings(value: &str) -> Vec<String> {
    let Some(c) = parse_color(value) else {
        return vec![];
    };
    let mut out = Vec::new();
    if contrast(c, (255, 255, 255)) < 3.0 {
        out.push(
            "This colour is very light: links and outlines in it will be hard to see on the white page."
                .to_string(),
        );
    }
    let best = contrast(c, (255, 255, 255)).max(contrast(c, (0x11, 0x18, 0x27)));
    if best < 4.5 {
        out.push(format!(
            "Text on this colour is hard to read (contrast {best:.1}:1; at least 4.5:1 is recommended)."
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_and_normalise() {
        assert_eq!(parse_color("#2F5BEA"), Some((0x2f, 0x5b, 0xea)));
        assert_eq!(normalize_color(" #2F5BEA ").unwrap(), "#2f5bea");
        for bad in ["2f5bea", "#2f5be", "#2f5beaa", "#ggggggg", "red", ""] {
            assert!(normalize_color(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contrast_matches_wcag() {
        let black = (0, 0, 0);
        let white = (255, 255, 255);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // #777777 on white is the classic 4.48:1.
        assert!((contrast((0x77, 0x77, 0x77), white) - 4.48).abs() < 0.01);
    }

    #[test]
    fn text_colour_is_chosen_for_contrast() {
        assert_eq!(text_on((0x2f, 0x5b, 0xea)), LIGHT_TEXT);
        assert_eq!(text_on((0xff, 0xd6, 0x00)), DARK_TEXT);
        assert_eq!(text_on((0xff, 0xff, 0xff)), DARK_TEXT);
    }

    #[test]
    fn unreadable_colours_are_warned_about() {
        assert!(color_warnings("#2f5bea").is_empty());
        assert!(!color_warnings("#fff59d").is_empty());
        assert!(!color_warnings("#777777").is_empty());
    }

    #[test]
    fn css_uses_only_variables() {
        let css = Branding {
            display_name: "Acme".into(),
            primary: "#ffd600".into(),
            secondary: "#0f766e".into(),
            logo_url: None,
            favicon_url: None,
        }
        .css_variables();
        assert_eq!(
            css,
            ":root{--brand:#ffd600;--brand-contrast:#111827;--brand-2:#0f766e;--brand-2-contrast:#ffffff;}"
        );
    }
}
