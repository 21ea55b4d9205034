//! `belonging show` (a built-in scenario's file), `belonging new` (a starting file from one),
//! `belonging completions` (shell completion scripts) and `belonging man` (the manual page):
//! what users expect around the model, none of it running a simulation.

use super::{BadInput, Cli};
use anyhow::{Context, Result};
use belonging::scenario::{self, builtin};
use clap::builder::PossibleValuesParser;
use clap::CommandFactory;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;
use std::io::Write;
use std::path::Path;

/// The names `show` and `new --from` accept: the built-in scenarios (so a wrong one is
/// refused with the list, exit 2, and shells complete them).
pub(super) fn builtin_names() -> PossibleValuesParser {
    PossibleValuesParser::new(builtin::names())
}

/// A built-in scenario's text, byte for byte as it is embedded (comments included).
fn builtin_text(name: &str) -> Result<&'static str> {
    builtin::get(name).ok_or_else(|| {
        BadInput(format!(
            "no built-in scenario named {name:?}; the built-in scenarios are: {}",
            builtin::names().join(", ")
        ))
        .into()
    })
}

pub(super) fn show(name: &str) -> Result<()> {
    let text = builtin_text(name)?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The scenario `new` writes: the built-in `from` with its name changed to the file's stem,
/// when the stem is a valid scenario name (`my-town.ron` gives `name: "my-town"`, so its runs
/// go to output/my-town-<time>/); otherwise the built-in unchanged. The second value says
/// which name the file has.
fn starting_file(from: &str, file: &Path) -> (String, String) {
    let text = builtin_text(from).unwrap_or_default().to_string();
    let stem = file
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.strip_suffix(".ron").unwrap_or(n))
        .unwrap_or_default();
    let line = format!("\n    name: \"{from}\",\n");
    let valid_name = !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if valid_name && stem != from && text.contains(&line) {
        let renamed = text.replacen(&line, &format!("\n    name: \"{stem}\",\n"), 1);
        // Only if the result is the same scenario under the new name.
        let same = scenario::load::parse_str(stem, &renamed)
            .ok()
            .and_then(|s| scenario::Config::new(stem, s).ok())
            .is_some_and(|c| c.scenario.name == stem);
        if same {
            return (renamed, stem.to_string());
        }
    }
    (text, from.to_string())
}

pub(super) fn new(file: &Path, from: &str) -> Result<()> {
    builtin_text(from)?;
    let (text, name) = starting_file(from, file);
    // create_new: never overwrite, even a file that appears between a check and the write.
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(BadInput(format!(
                "{}: already exists; refusing to overwrite it (give another file name, or \
                 remove it first)",
                file.display()
            ))
            .into())
        }
        Err(e) => {
            return Err(BadInput(format!("cannot create {}: {e}", file.display())).into());
        }
    };
    if let Err(e) = f.write_all(text.as_bytes()).and_then(|()| f.sync_all()) {
        drop(f);
        // Nothing half-written is left behind.
        let _ = std::fs::remove_file(file);
        return Err(e).with_context(|| format!("cannot write {}", file.display()));
    }
    let kept = if name == from && !file_stem_is(file, from) {
        " (the file's name is not a scenario name: letters, digits, '-', '_' and '.' only)"
    } else {
        ""
    };
    let shown = quoted(&file.display().to_string());
    say!(
        "wrote {} (the built-in `{from}`, named \"{name}\"{kept}): edit it, then `belonging \
         check {shown}` and `belonging run {shown}`; every field is described in \
         docs/SCENARIOS.md",
        file.display(),
    )?;
    Ok(())
}

/// Whether `file` is named `name` or `name.ron`.
fn file_stem_is(file: &Path, name: &str) -> bool {
    file.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == name || n.strip_suffix(".ron") == Some(name))
}

/// A path as typed in a shell: in single quotes unless it is plain.
fn quoted(path: &str) -> String {
    if path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

pub(super) fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "belonging", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

pub(super) fn man() -> Result<()> {
    let page = man_page()?;
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(())
}

/// The command's manual page (roff, section 1): name, synopsis, description and options,
/// then every command with its own description, synopsis and options, exit status and where
/// to read more. It names the crate's version alone (no commit), so the copy committed as
/// docs/belonging.1 is the page of every commit that leaves the help texts as they are
/// (a test compares them).
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut cmd = Cli::command()
        .version(env!("CARGO_PKG_VERSION"))
        .long_about(DESCRIPTION)
        .disable_help_subcommand(true);
    cmd.build();
    let man = Man::new(cmd.clone()).manual("belonging manual");
    // Each rendering starts with the same preamble (a string for the apostrophe): the page
    // keeps the first.
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    page.extend_from_slice(b".SH COMMANDS\n");
    for sub in cmd.get_subcommands() {
        let name = format!("belonging {}", sub.get_name());
        page.extend_from_slice(
            Roff::new()
                .control("SS", [name.as_str()])
                .to_roff()
                .as_bytes(),
        );
        let sub_man = Man::new(sub.clone());
        let mut parts: Vec<Vec<u8>> = vec![Vec::new(), Vec::new(), Vec::new()];
        sub_man.render_description_section(&mut parts[0])?;
        sub_man.render_synopsis_section(&mut parts[1])?;
        sub_man.render_options_section(&mut parts[2])?;
        for part in parts {
            let text = String::from_utf8_lossy(&part).into_owned();
            page.extend_from_slice(b".PP\n");
            page.extend_from_slice(section_body(&text).as_bytes());
        }
    }
    let mut tail = Roff::new();
    tail.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_CODES {
        tail.control("TP", [])
            .text([bold(*code)])
            .text([roman(*meaning)]);
    }
    tail.control("SH", ["SEE ALSO"]);
    tail.text([roman(
        "The README and docs/ of the source repository: ODD.md (the model), SCENARIOS.md \
         (every scenario field), OUTPUTS.md (every output file and column), VALIDATION.md \
         (the published results the model reproduces). `belonging list` names the built-in \
         scenarios and `belonging show NAME` prints one.",
    )]);
    page.extend_from_slice(tail.to_roff().as_bytes());
    man.render_version_section(&mut page)?;
    let text = String::from_utf8_lossy(&page);
    let (preamble, body): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| is_preamble(l));
    let mut out = String::new();
    for line in preamble.iter().take(2).chain(&body) {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// A line of the preamble roff's renderings start with (`.ie \n(.g .ds Aq \(aq`, `.el .ds Aq
/// '`: the string `Aq` holds an apostrophe).
fn is_preamble(line: &str) -> bool {
    line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")
}

/// The page's DESCRIPTION (the README's opening).
const DESCRIPTION: &str = "belonging simulates how people lose and regain belonging, and how \
collective identity forms, through group participation, support groups above all. People live \
in families, workplaces, friend circles and community groups. Life events (a chronic illness, \
job loss, relocation, bereavement) break memberships and ties and bring stigma, exclusion and \
loneliness. Support groups give attachment, group membership and a collective identity, \
emotional and informational support, and practice in seeking support. belonging simulates \
this week by week for thousands of people, many replicates in parallel, and writes tidy tables \
and plots of loneliness, belonging and identity.

A scenario is a RON file, or the name of a built-in one (belonging list); the same scenario \
and seed give byte-identical tables for any number of threads. Each command below has its \
own --help.";

/// The exit codes (as in the README's table).
const EXIT_CODES: &[(&str, &str)] = &[
    ("0", "Success."),
    (
        "1",
        "A failure other than bad input, such as a full disk (the message names the file), or \
         a refuted validation target.",
    ),
    (
        "2",
        "Bad input: a scenario file, arguments, an output folder (existing without --force, \
         not writable, in use by another belonging process), a run too large for the memory, \
         a folder that --resume cannot complete or plot cannot read, a file `new` would \
         overwrite.",
    ),
    (
        "3",
        "validate: no target refuted, but some inconclusive (more replicates would decide).",
    ),
    (
        "130",
        "Interrupted (SIGINT, SIGTERM or SIGHUP); finished replicates or jobs are kept, and \
         --resume completes them.",
    ),
];

/// A section rendered by clap_mangen without its `.SH` heading.
fn section_body(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with(".SH "))
        .map(|l| format!("{l}\n"))
        .collect()
}
