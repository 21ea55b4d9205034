//! The studio: a live view of a town in the browser, to teach and to explore
//! (`belonging studio`), and replays of recorded runs (`belonging replay`).
//!
//! A later stage reading the engine, like `plot`: the engine does not know it. Every use
//! of the engine's API is in [`town`] (the one adapter). `server` serves the embedded page
//! (`assets/`) and the API of docs/STUDIO.md; `session` holds a browser session's towns,
//! `layout` places the people, `story` tells what happened to them, `replay` and `gif`
//! write recorded runs, `tours` holds the guided tours and the page's controls.

pub mod assets;
pub mod gif;
pub mod layout;
pub mod protocol;
pub mod replay;
pub mod server;
pub mod session;
pub mod story;
pub mod tours;
pub mod town;

pub use protocol::Limits;
pub use server::{serve, Options};
