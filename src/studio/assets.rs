//! The page and its assets, embedded in the binary (the studio works offline from the
//! binary alone), and the model's description (docs/ODD.md) that story lines link to.

pub const INDEX_HTML: &str = include_str!("assets/index.html");
pub const STUDIO_JS: &str = include_str!("assets/studio.js");
pub const DRAW_JS: &str = include_str!("assets/draw.js");
pub const STUDIO_CSS: &str = include_str!("assets/studio.css");
/// The replay page's template: `{{TITLE}}`, `{{CSS}}`, `{{DRAW_JS}}`, `{{REPLAY_JS}}`,
/// `{{META}}` and `{{DATA}}` are filled in by `replay::Replay::to_html`.
pub const REPLAY_HTML: &str = include_str!("assets/replay.html");
pub const REPLAY_JS: &str = include_str!("assets/replay.js");
/// docs/ODD.md, served at `/api/odd` so each story line can show its mechanism.
pub const ODD: &str = include_str!("../../docs/ODD.md");
