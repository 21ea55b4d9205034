//! A replay as an animated GIF for slides: the town (people coloured by loneliness on the
//! reversed viridis scale, ties faint, life events and support groups marked), the week,
//! and a legend, drawn with plotters and the embedded font, then mapped to one fixed
//! palette (viridis, greys and the Okabe–Ito marks).

use super::replay::Replay;
use super::story;
use plotters::prelude::*;
use std::collections::HashMap;

const W: u32 = 640;
const H: u32 = 560;
/// The square of the town, below the title.
const TOP: i32 = 46;
const SIDE: i32 = 450;
const LEFT: i32 = 10;

/// The colour of loneliness `l` in [0, 1]: yellow for none, dark purple for the loneliest
/// (viridis reversed, so the lonely stand out on white).
pub fn loneliness_colour(l: f64) -> (u8, u8, u8) {
    let l = if l.is_finite() {
        l.clamp(0.0, 1.0)
    } else {
        0.0
    };
    crate::plot::viridis(1.0 - l)
}

/// Okabe–Ito vermillion (life events) and blue (support groups).
const EVENT: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const SUPPORT: RGBColor = RGBColor(0x00, 0x72, 0xB2);

fn palette() -> Vec<[u8; 3]> {
    let mut p: Vec<[u8; 3]> = Vec::with_capacity(256);
    for k in 0..64 {
        let (r, g, b) = loneliness_colour(k as f64 / 63.0);
        p.push([r, g, b]);
    }
    for k in 0..32 {
        let v = (k * 255 / 31) as u8;
        p.push([v, v, v]);
    }
    for c in [EVENT, SUPPORT] {
        p.push([c.0, c.1, c.2]);
        // Their blends with white, for anti-aliased edges.
        for s in 1..8u16 {
            let mix = |x: u8| (u16::from(x) + (255 - u16::from(x)) * s / 8) as u8;
            p.push([mix(c.0), mix(c.1), mix(c.2)]);
        }
    }
    // A coarse colour cube for anything else.
    'cube: for r in 0..5u8 {
        for g in 0..6u8 {
            for b in 0..5u8 {
                if p.len() >= 256 {
                    break 'cube;
                }
                p.push([r * 63, g * 51, b * 63]);
            }
        }
    }
    p
}

fn nearest(p: &[[u8; 3]], c: [u8; 3]) -> u8 {
    let mut best = (u32::MAX, 0usize);
    for (k, q) in p.iter().enumerate() {
        let d = (0..3)
            .map(|j| {
                let e = i32::from(q[j]) - i32::from(c[j]);
                (e * e) as u32
            })
            .sum::<u32>();
        if d < best.0 {
            best = (d, k);
        }
    }
    best.1 as u8
}

fn draw_frame(r: &Replay, k: usize, buf: &mut [u8]) -> Result<(), String> {
    crate::plot::register_fonts();
    let f = &r.frames[k];
    let root = BitMapBackend::with_buffer(buf, (W, H)).into_drawing_area();
    let err = |e: DrawingAreaErrorKind<_>| format!("cannot draw the GIF: {e}");
    root.fill(&WHITE).map_err(err)?;
    let xy = |i: usize| {
        let x = f64::from(f.pos[2 * i]) / 65535.0;
        let y = f64::from(f.pos[2 * i + 1]) / 65535.0;
        (
            LEFT + (x * f64::from(SIDE)) as i32,
            TOP + (y * f64::from(SIDE)) as i32,
        )
    };
    let tie = RGBColor(0xC8, 0xC8, 0xC8);
    for &(a, b) in &f.ties {
        if (a as usize) < r.n && (b as usize) < r.n {
            root.draw(&PathElement::new(vec![xy(a as usize), xy(b as usize)], tie))
                .map_err(err)?;
        }
    }
    let radius = if r.n <= 1_000 {
        4
    } else if r.n <= 4_000 {
        3
    } else {
        2
    };
    for i in 0..r.n {
        let (cr, cg, cb) = loneliness_colour(f64::from(f.loneliness[i]) / 255.0);
        let c = xy(i);
        root.draw(&Circle::new(c, radius, RGBColor(cr, cg, cb).filled()))
            .map_err(err)?;
        let fl = f.flags[i];
        if fl & story::IN_SUPPORT != 0 {
            root.draw(&Circle::new(c, radius + 2, SUPPORT.stroke_width(2)))
                .map_err(err)?;
        }
        if fl & story::STRUCK_NOW != 0 {
            root.draw(&Circle::new(c, radius + 4, EVENT.stroke_width(2)))
                .map_err(err)?;
        }
    }
    let font = |s: u32| ("sans-serif", s).into_font();
    root.draw(&Text::new(
        format!("{} — week {}", r.title, f.week),
        (10, 8),
        font(20).color(&BLACK),
    ))
    .map_err(err)?;
    if let (Some(&(m, p)), true) = (r.series.get(k), true) {
        if m.is_finite() {
            root.draw(&Text::new(
                format!(
                    "mean loneliness {m:.2} · lonely {:.1}% (above {:.2})",
                    p * 100.0,
                    r.threshold
                ),
                (10, 28),
                font(14).color(&RGBColor(0x33, 0x33, 0x33)),
            ))
            .map_err(err)?;
        }
    }
    // Legend on the right: the colour scale and the marks.
    let lx = LEFT + SIDE + 22;
    root.draw(&Text::new("loneliness", (lx, TOP), font(14).color(&BLACK)))
        .map_err(err)?;
    let bar_top = TOP + 22;
    let bar_h = 200;
    for y in 0..bar_h {
        let l = 1.0 - f64::from(y) / f64::from(bar_h - 1);
        let (cr, cg, cb) = loneliness_colour(l);
        root.draw(&Rectangle::new(
            [(lx, bar_top + y), (lx + 22, bar_top + y + 1)],
            RGBColor(cr, cg, cb).filled(),
        ))
        .map_err(err)?;
    }
    for (v, label) in [(1.0, "1 very lonely"), (0.0, "0 not lonely")] {
        let y = bar_top + ((1.0 - v) * f64::from(bar_h - 1)) as i32;
        root.draw(&Text::new(label, (lx + 28, y - 7), font(13).color(&BLACK)))
            .map_err(err)?;
    }
    let ty = bar_top + ((1.0 - f64::from(r.threshold)) * f64::from(bar_h - 1)) as i32;
    root.draw(&PathElement::new(
        vec![(lx - 4, ty), (lx + 26, ty)],
        BLACK.stroke_width(2),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        format!("{:.2} lonely", r.threshold),
        (lx + 28, ty - 7),
        font(13).color(&BLACK),
    ))
    .map_err(err)?;
    let my = bar_top + bar_h + 24;
    root.draw(&Circle::new((lx + 8, my), 5, SUPPORT.stroke_width(2)))
        .map_err(err)?;
    root.draw(&Text::new(
        "in a support",
        (lx + 20, my - 14),
        font(13).color(&BLACK),
    ))
    .map_err(err)?;
    root.draw(&Text::new("group", (lx + 20, my), font(13).color(&BLACK)))
        .map_err(err)?;
    root.draw(&Circle::new((lx + 8, my + 34), 6, EVENT.stroke_width(2)))
        .map_err(err)?;
    root.draw(&Text::new(
        "life event",
        (lx + 20, my + 20),
        font(13).color(&BLACK),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "since last",
        (lx + 20, my + 34),
        font(13).color(&BLACK),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "frame",
        (lx + 20, my + 48),
        font(13).color(&BLACK),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "lines: ties between people",
        (LEFT, TOP + SIDE + 8),
        font(13).color(&RGBColor(0x55, 0x55, 0x55)),
    ))
    .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}

/// Renders every frame of the replay into a looping GIF.
pub fn render(r: &Replay) -> Result<Vec<u8>, String> {
    if r.frames.is_empty() {
        return Err("the replay has no frames".into());
    }
    let pal = palette();
    let flat: Vec<u8> = pal.iter().flatten().copied().collect();
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, W as u16, H as u16, &flat)
            .map_err(|e| format!("cannot write the GIF: {e}"))?;
        enc.set_repeat(gif::Repeat::Infinite)
            .map_err(|e| format!("cannot write the GIF: {e}"))?;
        let mut cache: HashMap<[u8; 3], u8> = HashMap::new();
        let mut buf = vec![0u8; (W * H * 3) as usize];
        for k in 0..r.frames.len() {
            draw_frame(r, k, &mut buf)?;
            let idx: Vec<u8> = buf
                .chunks_exact(3)
                .map(|c| {
                    let c = [c[0], c[1], c[2]];
                    *cache.entry(c).or_insert_with(|| nearest(&pal, c))
                })
                .collect();
            let mut frame = gif::Frame::from_indexed_pixels(W as u16, H as u16, idx, None);
            // Hundredths of a second; the last frame stays a little longer.
            frame.delay = if k + 1 == r.frames.len() { 200 } else { 12 };
            enc.write_frame(&frame)
                .map_err(|e| format!("cannot write the GIF: {e}"))?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colour_scale_runs_yellow_to_purple_and_the_palette_fits() {
        assert_eq!(loneliness_colour(0.0), (0xFD, 0xE7, 0x25));
        assert_eq!(loneliness_colour(1.0), (0x44, 0x01, 0x54));
        assert_eq!(loneliness_colour(f64::NAN), (0xFD, 0xE7, 0x25));
        assert!(palette().len() <= 256);
    }
}
