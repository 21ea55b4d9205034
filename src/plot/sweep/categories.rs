//! Labels of categories along an axis: the values themselves when they fit whole (across, on
//! up to three lines, or turned upwards), else short keys (A, B, ...) explained in a note;
//! a value is never cut where that would hide what tells two categories apart.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis;
use super::draw::{self, Area};
use crate::plot::style;
use crate::plot::DrawResult;

/// Longest label turned upwards (longer ones get keys).
const UP_CHARS: usize = 20;
/// Most categories given keys (more get shortened labels turned upwards).
const MAX_KEYS: usize = 26 * 3;
/// Line height of tick labels.
const LINE: i32 = 30;

/// How the labels of categories are set.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CategoryLabels {
    /// Each label on up to three lines, across.
    Across(Vec<Vec<String>>),
    /// Each label on one line, turned upwards.
    Up(Vec<String>),
    /// Short keys (A, B, ..., Z, AA, ...), explained by [`CategoryLabels::key_note`].
    Keyed(Vec<String>),
}

/// `A`, `B`, ..., `Z`, `AA`, `AB`, ... for `n` categories.
pub(crate) fn key_names(n: usize) -> Vec<String> {
    (0..n)
        .map(|mut k| {
            let mut name = Vec::new();
            loop {
                name.push(b'A' + (k % 26) as u8);
                if k < 26 {
                    break;
                }
                k = k / 26 - 1;
            }
            name.reverse();
            String::from_utf8(name).unwrap_or_default()
        })
        .collect()
}

impl CategoryLabels {
    /// The labels of `labels` in slots `slot` pixels wide: across when every label fits whole
    /// on up to three lines, else upwards when every label has at most 20 characters and a
    /// slot is a line high, else keys (up to 78 categories), else shortened labels upwards.
    pub(crate) fn choose<DB: DrawingBackend>(
        area: &Area<DB>,
        labels: &[String],
        slot: f64,
    ) -> DrawResult<CategoryLabels> {
        let char_w = draw::text_size(area, "abcdefghij0123456789", style::TICK_PX)?.0 / 20;
        let mut chars = ((slot as i32 - 12) / char_w.max(1)).max(0) as usize;
        while chars >= 3 {
            let Some(wrapped) = labels
                .iter()
                .map(|l| axis::wrap_exact(l, chars, 3))
                .collect::<Option<Vec<Vec<String>>>>()
            else {
                break;
            };
            let widest = draw::max_width(area, wrapped.iter().flatten(), style::TICK_PX)?;
            if f64::from(widest) <= slot - 8.0 {
                return Ok(CategoryLabels::Across(wrapped));
            }
            chars -= 1;
        }
        let whole = labels.iter().all(|l| l.chars().count() <= UP_CHARS);
        if whole && slot >= f64::from(LINE) - 2.0 {
            return Ok(CategoryLabels::Up(labels.to_vec()));
        }
        if labels.len() <= MAX_KEYS {
            return Ok(CategoryLabels::Keyed(key_names(labels.len())));
        }
        Ok(CategoryLabels::Up(
            labels.iter().map(|l| axis::shorten(l, UP_CHARS)).collect(),
        ))
    }

    /// Pixels the labels take below the axis.
    pub(crate) fn height<DB: DrawingBackend>(&self, area: &Area<DB>) -> DrawResult<i32> {
        Ok(match self {
            CategoryLabels::Across(lines) => {
                LINE * lines.iter().map(Vec::len).max().unwrap_or(1) as i32
            }
            CategoryLabels::Up(labels) => draw::max_width(area, labels, style::TICK_PX)? + 6,
            CategoryLabels::Keyed(_) => LINE,
        })
    }

    /// The note explaining keys: "Key to PATH: A = value; B = value." (`None` unless keyed).
    pub(crate) fn key_note(&self, path: &str, labels: &[String]) -> Option<String> {
        let CategoryLabels::Keyed(names) = self else {
            return None;
        };
        let pairs: Vec<String> = names
            .iter()
            .zip(labels)
            .map(|(n, l)| format!("{n} = {l}"))
            .collect();
        Some(format!("Key to {path}: {}.", pairs.join("; ")))
    }

    /// Draws the labels centred at `centres` (pixel columns), from pixel row `top` down;
    /// upward labels in slots narrower than a line are thinned to every n-th.
    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        centres: &[i32],
        top: i32,
        slot: f64,
    ) -> DrawResult {
        let across = |k: usize, lines: &[String]| -> DrawResult {
            for (j, l) in lines.iter().enumerate() {
                draw::text(
                    area,
                    l,
                    (centres[k], top + LINE * j as i32),
                    style::TICK_PX,
                    (HPos::Center, VPos::Top),
                    &style::INK,
                )?;
            }
            Ok(())
        };
        match self {
            CategoryLabels::Across(lines) => {
                for (k, label) in lines.iter().enumerate().take(centres.len()) {
                    across(k, label)?;
                }
            }
            CategoryLabels::Keyed(names) => {
                let every = label_stride(slot, names.iter().map(String::len).max().unwrap_or(1));
                for (k, name) in names.iter().enumerate().take(centres.len()) {
                    if k % every == 0 {
                        across(k, std::slice::from_ref(name))?;
                    }
                }
            }
            CategoryLabels::Up(labels) => {
                let every = label_stride(slot, 1);
                for (k, l) in labels.iter().enumerate().take(centres.len()) {
                    if k % every == 0 {
                        draw::text_up_from(
                            area,
                            l,
                            (centres[k], top),
                            style::TICK_PX,
                            &style::INK,
                        )?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Label every n-th of slots `slot` pixels wide so that labels of `chars` characters (or a
/// line high, turned) do not overlap.
pub(crate) fn label_stride(slot: f64, chars: usize) -> usize {
    let need = (16 * chars.max(1)) as f64 + 8.0;
    let need = need.max(f64::from(LINE) - 2.0);
    if slot >= need {
        1
    } else {
        (need / slot.max(0.5)).ceil() as usize
    }
}
