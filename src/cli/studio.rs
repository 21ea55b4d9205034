//! `belonging studio` (the live view in the browser) and `belonging replay` (a recorded run
//! as an offline HTML page or a GIF). The code is in `belonging::studio`; this file parses
//! the arguments and reports.

use super::BadInput;
use anyhow::Result;
use belonging::scenario::{self, builtin, Source};
use belonging::studio::{self, replay, Limits, Options};
use clap::Args;
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct StudioArgs {
    /// The scenario the page opens with: a built-in name or a RON file (default: `default`).
    pub scenario: Option<String>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. The default, 127.0.0.1, serves this machine only; another
    /// address (0.0.0.0: every network) lets anyone who reaches it use the studio.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A results folder of `belonging run` with snapshots over time
    /// (`--set 'output.snapshot_every=Some(10)'`); replicate 0 is played.
    pub dir: PathBuf,
    /// The file to write: FILE.html (a self-contained page) or FILE.gif (an animation).
    #[arg(long, short = 'o', required = true)]
    pub out: PathBuf,
}

pub(super) fn studio(args: StudioArgs) -> Result<()> {
    let host: IpAddr = args.host.parse().map_err(|_| {
        BadInput(format!(
            "--host {}: not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every network)",
            args.host
        ))
    })?;
    let start = match args.scenario.as_deref() {
        None => serde_json::json!({"builtin": "default"}),
        Some(arg) => match Source::from_arg(arg) {
            Source::Builtin(name) => serde_json::json!({"builtin": name}),
            Source::File(path) => {
                // Checked now, exactly as `run` would; the page gets its text.
                scenario::resolve(&Source::File(path.clone()), &[])?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| BadInput(format!("{}: cannot read: {e}", path.display())))?;
                let file = path
                    .file_name()
                    .map_or_else(|| arg.to_string(), |f| f.to_string_lossy().to_string());
                serde_json::json!({"ron": text, "file": file})
            }
        },
    };
    if let Some(name) = start.get("builtin").and_then(|v| v.as_str()) {
        if builtin::get(name).is_none() {
            return Err(BadInput(format!("no built-in scenario named `{name}`")).into());
        }
    }
    if !host.is_loopback() {
        tell!(
            "warning: the studio listens on {host}: anyone who can reach this machine on port \
             {} can use it (there is no password). Use the default --host 127.0.0.1 to serve \
             this machine only.",
            args.port
        );
    }
    let opts = Options {
        addr: SocketAddr::new(host, args.port),
        limits: Limits::default(),
        start,
    };
    let open = args.open;
    let served = studio::serve(
        opts,
        |addr| {
            let shown = if addr.ip().is_unspecified() {
                SocketAddr::new(IpAddr::from([127, 0, 0, 1]), addr.port())
            } else {
                addr
            };
            let url = format!("http://{shown}/");
            let _ = writeln!(
                std::io::stdout().lock(),
                "belonging studio: {url} (Ctrl-C to stop)"
            );
            let _ = std::io::stdout().flush();
            if open {
                if let Err(e) = std::process::Command::new("xdg-open").arg(&url).spawn() {
                    tell!("warning: cannot open a browser ({e}); open {url} yourself");
                }
            }
        },
        std::future::pending(),
    );
    served.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::Error::from(BadInput(format!(
                "port {} is in use on {host}: choose another with --port",
                args.port
            )))
        } else {
            anyhow::Error::from(e).context(format!("cannot serve on {host}:{}", args.port))
        }
    })?;
    tell!("belonging studio: stopped");
    Ok(())
}

pub(super) fn replay(args: ReplayArgs) -> Result<()> {
    let ext = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let kind = match ext.as_deref() {
        Some("html") | Some("htm") => "html",
        Some("gif") => "gif",
        _ => {
            return Err(BadInput(format!(
                "--out {}: give a file ending in .html (a page) or .gif (an animation)",
                args.out.display()
            ))
            .into())
        }
    };
    if !args.dir.is_dir() {
        return Err(BadInput(format!("{}: no such folder", args.dir.display())).into());
    }
    let r = replay::from_run_dir(&args.dir).map_err(BadInput)?;
    let bytes = if kind == "html" {
        r.to_html().into_bytes()
    } else {
        r.to_gif().map_err(anyhow::Error::msg)?
    };
    write_out(&args.out, &bytes)?;
    say!(
        "belonging replay: {} frames of {} people (weeks {}–{}) -> {} ({} kB)",
        r.frames.len(),
        r.n,
        r.frames.first().map_or(0, |f| f.week),
        r.frames.last().map_or(0, |f| f.week),
        args.out.display(),
        bytes.len().div_ceil(1024)
    )?;
    Ok(())
}

fn write_out(path: &Path, bytes: &[u8]) -> Result<()> {
    belonging::output::atomic::write(path, bytes).map_err(|e| {
        anyhow::Error::from(belonging::output::OutputError::Io {
            path: path.to_path_buf(),
            source: e,
        })
    })?;
    Ok(())
}
