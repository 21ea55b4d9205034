//! Shared look: canvas size, font sizes, line widths and the Okabe–Ito palette.

use plotters::style::{FontStyle, RGBColor, TextStyle};

/// Canvas size in pixels (PNG and SVG alike).
pub(crate) const SIZE: (u32, u32) = (1600, 1000);

/// Font family registered by [`super::register_fonts`].
pub(crate) const FAMILY: &str = "sans-serif";

pub(crate) const TITLE_PX: f64 = 44.0;
pub(crate) const CAPTION_PX: f64 = 32.0;
pub(crate) const AXIS_DESC_PX: f64 = 30.0;
pub(crate) const TICK_PX: f64 = 24.0;
pub(crate) const LEGEND_PX: f64 = 24.0;
pub(crate) const NOTE_PX: f64 = 24.0;

/// Main data lines.
pub(crate) const LINE_W: u32 = 4;
/// Secondary lines (reference lines, affected-agent dashes).
pub(crate) const THIN_W: u32 = 3;
/// Opacity of confidence ribbons.
pub(crate) const RIBBON_ALPHA: f64 = 0.2;
/// Opacity of the legend's filled boxes (confidence intervals).
pub(crate) const FILL_ALPHA: f64 = 0.3;
/// Opacity of the yellow of an intervention's session weeks.
pub(crate) const SESSION_ALPHA: f64 = 0.55;
/// Opacity of the weeks in a support group on a person's panel.
pub(crate) const SUPPORT_ALPHA: f64 = 0.16;

// Okabe–Ito colour-blind-safe palette.
pub(crate) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub(crate) const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub(crate) const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub(crate) const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub(crate) const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub(crate) const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub(crate) const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub(crate) const INK: RGBColor = RGBColor(0x00, 0x00, 0x00);
/// Greys for grid lines and notes.
pub(crate) const GRID_MAJOR: RGBColor = RGBColor(0xD9, 0xD9, 0xD9);
pub(crate) const GRID_MINOR: RGBColor = RGBColor(0xF0, 0xF0, 0xF0);
pub(crate) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Lines drawn before something happened (an agent's path before its event).
pub(crate) const BEFORE: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Map cells that get no colour of their own.
pub(crate) const NEUTRAL: RGBColor = RGBColor(0xE6, 0xE6, 0xE6);

/// `c` mixed with white: `amount` 0 keeps it, 1 gives white.
pub(crate) fn tint(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Colours cycled for an open-ended number of series (e.g. support groups).
pub(crate) const CYCLE: [RGBColor; 6] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY];

/// Regular text of `px` pixels.
pub(crate) fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, px))
}

/// Bold text of `px` pixels.
pub(crate) fn bold(px: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, px, FontStyle::Bold))
}

/// Viridis, sampled at 11 evenly spaced points (the viridisLite table).
const VIRIDIS: [(u8, u8, u8); 11] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x25, 0x76),
    (0x41, 0x44, 0x87),
    (0x35, 0x60, 0x8D),
    (0x2A, 0x78, 0x8E),
    (0x21, 0x90, 0x8C),
    (0x22, 0xA8, 0x84),
    (0x43, 0xBF, 0x71),
    (0x7A, 0xD1, 0x51),
    (0xBB, 0xDF, 0x27),
    (0xFD, 0xE7, 0x25),
];

/// The viridis colour at `t` in [0, 1] (dark purple to yellow), linearly interpolated between
/// the table's samples; `t` outside is clamped.
pub(crate) fn viridis(t: f64) -> (u8, u8, u8) {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let k = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - k as f64;
    let (a, b) = (VIRIDIS[k], VIRIDIS[k + 1]);
    let mix = |u: u8, v: u8| (f64::from(u) + (f64::from(v) - f64::from(u)) * f).round() as u8;
    (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}
