//! The fonts PDFs embed, which one a piece of text is set in, and how wide
//! it is. krilla shapes a run with one font and has no fallback, so a run
//! with Chinese, Japanese or Korean characters is set in the CJK font and
//! everything else (Arabic included, right to left) in DejaVu Sans.

use krilla::text::{Font, TextDirection};
use std::sync::LazyLock;

static REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");
static CJK: &[u8] = include_bytes!("fonts/DroidSansFallback.ttf");

pub struct Fonts {
    regular: Font,
    bold: Font,
    cjk: Font,
}

pub static FONTS: LazyLock<Fonts> = LazyLock::new(|| Fonts {
    regular: Font::new(REGULAR.into(), 0).expect("DejaVu Sans loads"),
    bold: Font::new(BOLD.into(), 0).expect("DejaVu Sans Bold loads"),
    cjk: Font::new(CJK.into(), 0).expect("Droid Sans Fallback loads"),
});

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x31FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x20000..=0x2FA1F)
}

/// Which embedded font a run of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
    Cjk,
}

impl Face {
    pub fn font(self) -> Font {
        match self {
            Face::Regular => FONTS.regular.clone(),
            Face::Bold => FONTS.bold.clone(),
            Face::Cjk => FONTS.cjk.clone(),
        }
    }

    fn data(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
            Face::Cjk => CJK,
        }
    }

    /// Whether every character of `text` has a glyph in this face.
    pub fn covers(self, text: &str) -> bool {
        use skrifa::MetadataProvider;
        let Ok(font) = skrifa::FontRef::new(self.data()) else {
            return false;
        };
        let map = font.charmap();
        text.chars()
            .filter(|c| !c.is_whitespace())
            .all(|c| map.map(c).is_some_and(|g| g.to_u32() != 0))
    }

    /// The width of `text` at `size` points: the glyphs' advances (without
    /// kerning or ligatures; close enough to right-align figures).
    pub fn width(self, text: &str, size: f32) -> f32 {
        use skrifa::MetadataProvider;
        let Ok(font) = skrifa::FontRef::new(self.data()) else {
            return 0.0;
        };
        let map = font.charmap();
        let metrics = font.glyph_metrics(
            skrifa::instance::Size::new(size),
            skrifa::instance::LocationRef::default(),
        );
        text.chars()
            .map(|c| {
                map.map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.5)
            })
            .sum()
    }
}

fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// `text` cut into runs that one face can set in one direction: CJK
/// characters in the CJK face, everything else in the regular (or bold)
/// one, and right-to-left letters apart from left-to-right ones. krilla has
/// no font fallback, so a mixed line ("北京快运 · http://…") is drawn run by
/// run, left to right in the order written. Spaces stay with the run they
/// are in; digits and punctuation with a non-CJK one.
pub fn runs(text: &str, bold: bool) -> Vec<(Face, String)> {
    let latin = if bold { Face::Bold } else { Face::Regular };
    let mut out: Vec<(Face, bool, String)> = Vec::new();
    for c in text.chars() {
        let last = out.last().map(|(f, r, _)| (*f, *r));
        let (face, rtl) = if is_cjk(c) {
            (Face::Cjk, false)
        } else if c.is_whitespace() {
            last.unwrap_or((latin, false))
        } else if c.is_alphabetic() {
            (latin, is_rtl(c))
        } else {
            // Digits and punctuation: in the regular face (the CJK one
            // lacks most), in the direction of the run they follow.
            last.filter(|(f, _)| *f != Face::Cjk)
                .unwrap_or((latin, false))
        };
        match out.last_mut() {
            Some((f, r, run)) if *f == face && *r == rtl => run.push(c),
            _ => out.push((face, rtl, c.to_string())),
        }
    }
    out.into_iter().map(|(f, _, t)| (f, t)).collect()
}

/// Right to left when the text starts (after digits and spaces) with a
/// right-to-left letter; left to right otherwise.
pub fn direction(text: &str) -> TextDirection {
    let rtl = text.chars().find(|c| c.is_alphabetic()).is_some_and(is_rtl);
    if rtl {
        TextDirection::RightToLeft
    } else {
        TextDirection::LeftToRight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_arabic_and_chinese_find_a_face_with_their_glyphs() {
        for (name, faces) in [
            ("Acme Dental", vec![Face::Regular]),
            ("شركة النور للنقل", vec![Face::Regular]),
            ("北京快运有限公司", vec![Face::Cjk]),
            (
                "Tokyo 東京 Shuttle",
                vec![Face::Regular, Face::Cjk, Face::Regular],
            ),
        ] {
            let cut = runs(name, false);
            assert_eq!(
                cut.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
                faces,
                "{name}"
            );
            for (face, run) in cut {
                assert!(face.covers(&run), "{run} has glyphs in {face:?}");
            }
        }
        assert!(!Face::Regular.covers("北京"));
        assert_eq!(direction("شركة النور"), TextDirection::RightToLeft);
        assert_eq!(direction("Acme"), TextDirection::LeftToRight);
        assert!(Face::Regular.width("$1,234.56", 10.0) > 30.0);
        let mixed = runs("北京快运 · http://a.example", false);
        assert_eq!(mixed.len(), 2);
        assert_eq!(mixed[0], (Face::Cjk, "北京快运 ".to_string()));
        assert!(mixed.iter().all(|(f, t)| f.covers(t)));
        let arabic = runs("شركة النور · http://a.example", false);
        assert_eq!(arabic.len(), 2, "{arabic:?}");
        assert_eq!(direction(&arabic[0].1), TextDirection::RightToLeft);
        assert_eq!(direction(&arabic[1].1), TextDirection::LeftToRight);
    }
}
