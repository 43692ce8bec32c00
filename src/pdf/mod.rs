//! PDFs in the organization's look — monthly statements and call reports —
//! made in-process with `krilla` (fonts embedded and subset). A document is
//! laid out first as pages of drawing operations (`Layout`), then drawn:
//! krilla's page borrows the document, so pages are drawn one after another.

mod fonts;
pub mod report;
pub mod statement;

pub use fonts::Face;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::Document;

/// A4, in points.
pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;
pub const MARGIN: f32 = 48.0;
const FOOTER_Y: f32 = PAGE_H - 28.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const TEXT: Rgb = Rgb(0x1f, 0x29, 0x33);
    pub const MUTED: Rgb = Rgb(0x52, 0x60, 0x6d);
    pub const LINE: Rgb = Rgb(0xd9, 0xe2, 0xec);
    pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);

    /// `#RRGGBB` (a brand colour), or `fallback`.
    pub fn hex(text: &str, fallback: Rgb) -> Rgb {
        let h = text.trim().trim_start_matches('#');
        let part = |i: usize| h.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok());
        match (h.len(), part(0), part(2), part(4)) {
            (6, Some(r), Some(g), Some(b)) => Rgb(r, g, b),
            _ => fallback,
        }
    }

    fn fill(self) -> Fill {
        Fill {
            paint: rgb::Color::new(self.0, self.1, self.2).into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One drawing operation; `y` is a text's baseline, from the top.
#[derive(Debug, Clone)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        align: Align,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    /// A PNG or JPEG logo fitted into `w` × `h`.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        png: bool,
        data: std::sync::Arc<Vec<u8>>,
    },
}

/// Pages of operations, with a cursor that moves down and starts a new
/// page (with the running header) when one is full.
pub struct Layout {
    pages: Vec<Vec<Op>>,
    /// The baseline of the next line.
    pub y: f32,
    /// Drawn at the top of every page after the first (a table's heading).
    running: Vec<Op>,
    footer: String,
}

impl Layout {
    pub fn new(footer: String) -> Self {
        Layout {
            pages: vec![vec![]],
            y: MARGIN,
            running: vec![],
            footer,
        }
    }

    pub fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").push(op);
    }

    pub fn text(&mut self, x: f32, size: f32, bold: bool, color: Rgb, align: Align, text: &str) {
        let y = self.y;
        self.push(Op::Text {
            x,
            y,
            size,
            bold,
            color,
            align,
            text: text.to_string(),
        });
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.push(Op::Rect { x, y, w, h, color });
    }

    /// Room for `height` more points on this page, or a new page (whose
    /// top repeats `running`).
    pub fn need(&mut self, height: f32) {
        if self.y + height > FOOTER_Y - 16.0 {
            self.pages.push(vec![]);
            self.y = MARGIN;
            let running = std::mem::take(&mut self.running);
            for op in &running {
                self.push(op.clone());
            }
            self.y = MARGIN + 18.0;
            self.running = running;
        }
    }

    /// What each following page starts with, drawn at the top margin.
    pub fn set_running(&mut self, ops: Vec<Op>) {
        self.running = ops;
    }

    /// A row of figures, each big over its small label; the first in
    /// `accent` (the brand's colour).
    pub fn figures(&mut self, accent: Rgb, figures: &[(&str, String)]) {
        let y = self.y;
        for (i, (label, value)) in figures.iter().enumerate() {
            let x = MARGIN + i as f32 * 125.0;
            let (size, color) = if i == 0 {
                (18.0, accent)
            } else {
                (14.0, Rgb::TEXT)
            };
            self.push(Op::Text {
                x,
                y,
                size,
                bold: true,
                color,
                align: Align::Left,
                text: value.clone(),
            });
            let text = label.to_string();
            self.push(Op::Text {
                x,
                y: y + 14.0,
                size: 8.0,
                bold: false,
                color: Rgb::MUTED,
                align: Align::Left,
                text,
            });
        }
    }

    /// A table: its heading (`columns`: x, alignment, title), then `rows`
    /// of cells in the same columns at `size` points, the heading repeated
    /// at the top of every page the table runs onto.
    pub fn table(
        &mut self,
        columns: &[(f32, Align, &str)],
        rows: impl IntoIterator<Item = Vec<String>>,
        size: f32,
    ) {
        let heading = |y: f32| -> Vec<Op> {
            columns
                .iter()
                .map(|(x, align, t)| Op::Text {
                    x: *x,
                    y,
                    size: 8.0,
                    bold: true,
                    color: Rgb::MUTED,
                    align: *align,
                    text: t.to_string(),
                })
                .collect()
        };
        for op in heading(self.y) {
            self.push(op);
        }
        self.rect(MARGIN, self.y + 4.0, PAGE_W - 2.0 * MARGIN, 0.6, Rgb::LINE);
        self.y += 16.0;
        self.set_running(heading(MARGIN));
        let step = size + 4.0;
        for cells in rows {
            self.need(step);
            let y = self.y;
            for ((x, align, _), text) in columns.iter().zip(cells) {
                self.push(Op::Text {
                    x: *x,
                    y,
                    size,
                    bold: false,
                    color: Rgb::TEXT,
                    align: *align,
                    text,
                });
            }
            self.y += step;
        }
        self.set_running(vec![]);
    }

    /// Draws every page (with its footer and number) and answers the PDF.
    pub fn render(self, title: &str) -> Result<Vec<u8>, crate::error::AppError> {
        let mut doc = Document::new();
        doc.set_metadata(krilla::metadata::Metadata::new().title(title.to_string()));
        let total = self.pages.len();
        for (i, ops) in self.pages.into_iter().enumerate() {
            let settings = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4 is a size");
            let mut page = doc.start_page_with(settings);
            let mut surface = page.surface();
            for op in &ops {
                draw(&mut surface, op);
            }
            let footer = format!("{}  ·  Page {} of {total}", self.footer, i + 1);
            draw(
                &mut surface,
                &Op::Text {
                    x: MARGIN,
                    y: FOOTER_Y,
                    size: 7.5,
                    bold: false,
                    color: Rgb::MUTED,
                    align: Align::Left,
                    text: footer,
                },
            );
            surface.finish();
            page.finish();
        }
        doc.finish().map_err(|e| {
            tracing::error!(error = ?e, "could not write a PDF");
            crate::error::AppError::Internal
        })
    }
}

fn draw(surface: &mut krilla::surface::Surface<'_>, op: &Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            bold,
            color,
            align,
            text,
        } => {
            if text.is_empty() {
                return;
            }
            let runs = fonts::runs(text, *bold);
            let width: f32 = runs.iter().map(|(f, t)| f.width(t, *size)).sum();
            let mut x = match align {
                Align::Left => *x,
                Align::Right => x - width,
            };
            surface.set_fill(Some(color.fill()));
            for (face, run) in runs {
                surface.draw_text(
                    Point::from_xy(x, *y),
                    face.font(),
                    *size,
                    &run,
                    false,
                    fonts::direction(&run),
                );
                x += face.width(&run, *size);
            }
        }
        Op::Rect { x, y, w, h, color } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                return;
            };
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                surface.set_fill(Some(color.fill()));
                surface.draw_path(&path);
            }
        }
        Op::Image {
            x,
            y,
            w,
            h,
            png,
            data,
        } => {
            let bytes: krilla::Data = data.clone().into();
            let image = if *png {
                krilla::image::Image::from_png(bytes, true)
            } else {
                krilla::image::Image::from_jpeg(bytes, true)
            };
            let Ok(image) = image else {
                return;
            };
            let (iw, ih) = image.size();
            let scale = (w / iw.max(1) as f32).min(h / ih.max(1) as f32);
            let (dw, dh) = (iw as f32 * scale, ih as f32 * scale);
            let Some(size) = Size::from_wh(dw, dh) else {
                return;
            };
            surface.push_transform(&krilla::geom::Transform::from_translate(
                *x,
                y + (h - dh) / 2.0,
            ));
            surface.draw_image(image, size);
            surface.pop();
        }
    }
}

/// The calls table's columns: when, the other party, agent, minutes, money.
pub fn call_columns(party: &'static str, money: &'static str) -> [(f32, Align, &'static str); 5] {
    let right = PAGE_W - MARGIN;
    [
        (MARGIN, Align::Left, "When"),
        (MARGIN + 110.0, Align::Left, party),
        (MARGIN + 220.0, Align::Left, "Agent"),
        (right - 80.0, Align::Right, "Minutes"),
        (right, Align::Right, money),
    ]
}

/// The organization's look for a document: name, colours, logo.
pub struct Look {
    pub name: String,
    pub primary: Rgb,
    /// A PNG or JPEG logo (an SVG one is left out: the name stands instead).
    pub logo: Option<(bool, std::sync::Arc<Vec<u8>>)>,
    /// The organization's own address, for the footer.
    pub address: String,
}

impl Look {
    /// The coloured band at the top of the first page: the logo, or the
    /// name in white.
    pub fn band(&self, l: &mut Layout) {
        l.rect(0.0, 0.0, PAGE_W, 72.0, self.primary);
        match &self.logo {
            Some((png, data)) => l.push(Op::Image {
                x: MARGIN,
                y: 16.0,
                w: 200.0,
                h: 40.0,
                png: *png,
                data: data.clone(),
            }),
            None => {
                l.y = 44.0;
                l.text(MARGIN, 18.0, true, Rgb::WHITE, Align::Left, &self.name);
            }
        }
        l.y = 112.0;
    }
}
