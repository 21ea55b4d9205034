//! `belonging studio` over plain HTTP (no browser): the embedded page is served and nothing
//! else, bad messages get errors and never a crash, limits are enforced, the numbers equal
//! `belonging run`'s, Ctrl-C stops it cleanly; `belonging replay` writes a self-contained
//! page and a GIF, and refuses a folder without snapshots.

#[path = "../studio_common/mod.rs"]
mod studio_common;

use crate::common::{belonging, tempdir};
use serde_json::json;
use studio_common::{frame_header, Studio};

/// A small classroom town, fast to set up.
fn small(extra: &[(&str, &str)]) -> serde_json::Value {
    let mut set = vec![
        json!({"path": "population.size", "value": "150"}),
        json!({"path": "burn_in", "value": "6"}),
        json!({"path": "steps", "value": "40"}),
        json!({"path": "events[0].pulse.step", "value": "3"}),
    ];
    set.extend(extra.iter().map(|(p, v)| json!({"path": p, "value": v})));
    json!({"scenario": {"builtin": "classroom"}, "set": set})
}

fn setup(s: &Studio, req: &serde_json::Value) -> String {
    let r = s.post("/api/setup", req);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["session"]
        .as_str()
        .expect("a session id")
        .to_string()
}

#[test]
fn the_page_and_its_assets_are_served_and_nothing_else() {
    let s = Studio::start(&[]);
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(page.headers.contains("content-type: text/html"));
    assert!(page.text().contains("belonging <span>studio</span>"));
    for (path, kind) in [
        ("/studio.js", "text/javascript"),
        ("/draw.js", "text/javascript"),
        ("/studio.css", "text/css"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.headers.contains(kind), "{path}: {}", r.headers);
    }
    // The page fetches nothing from elsewhere.
    for asset in ["/", "/studio.js", "/draw.js", "/studio.css"] {
        let t = s.get(asset).text();
        assert!(
            !t.contains("http://") && !t.contains("https://"),
            "{asset} refers elsewhere"
        );
    }
    // Path traversal and anything outside the assets: 404, and no file's content.
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/studio.js/../../Cargo.toml",
        "/assets/studio.js",
        "/src/studio/assets/studio.js",
        "//etc/passwd",
        "/docs/ODD.md",
        "/api/../Cargo.toml",
    ] {
        let r = s
            .raw(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
        assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        let t = r.text();
        assert!(
            !t.contains("[package]") && !t.contains("root:"),
            "{path} leaked a file"
        );
    }
    // The model's description is embedded (story lines link to it).
    let odd = s.get("/api/odd");
    assert_eq!(odd.status, 200);
    assert!(odd.text().contains("### 6.7 Membership change"));
}

#[test]
fn bad_messages_get_errors_and_the_server_goes_on() {
    let s = Studio::start(&[]);
    let cases: Vec<(&str, &str, Vec<u8>, u16)> = vec![
        ("POST", "/api/setup", b"{not json".to_vec(), 400),
        ("POST", "/api/setup", b"".to_vec(), 400),
        ("POST", "/api/setup", b"[1,2,3]".to_vec(), 400),
        (
            "POST",
            "/api/setup",
            br#"{"scenario":{"builtin":"default"},"bogus":1}"#.to_vec(),
            400,
        ),
        (
            "POST",
            "/api/setup",
            br#"{"scenario":{"builtin":"nope"}}"#.to_vec(),
            400,
        ),
        (
            "POST",
            "/api/setup",
            br#"{"scenario":{"ron":"(name: "}}"#.to_vec(),
            400,
        ),
        ("POST", "/api/setup", vec![0xff, 0xfe, 0x00, 0x12], 400),
        (
            "POST",
            "/api/session/nope/step",
            br#"{"weeks":1}"#.to_vec(),
            404,
        ),
        ("GET", "/api/session/nope/person/1", Vec::new(), 404),
        ("DELETE", "/api/session/nope", Vec::new(), 404),
    ];
    for (method, path, body, want) in &cases {
        let r = s.request(method, path, Some(body));
        assert_eq!(
            r.status,
            *want,
            "{method} {path} {:?}: {}",
            String::from_utf8_lossy(body),
            r.text()
        );
        assert!(r.json()["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    // A body over the limit (1 MiB).
    let big = format!(r#"{{"scenario":{{"ron":"{}"}}}}"#, "x".repeat(1_100_000));
    let r = s.request("POST", "/api/check", Some(big.as_bytes()));
    assert_eq!(r.status, 413);
    // An invalid value is named by its field path, as --set does.
    let r = s.post("/api/check", &small(&[("events[0].hazard", "-1")]));
    assert_eq!(r.status, 400);
    let e = r.json();
    assert_eq!(e["problems"][0]["path"], "events[0].hazard", "{e}");
    assert!(e["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("[0, 1]"));
    let r = s.post("/api/check", &small(&[("population.size", "lots")]));
    assert_eq!(r.status, 400);
    assert!(r.text().contains("population.size"), "{}", r.text());
    // Session requests out of range.
    let id = setup(&s, &small(&[]));
    let step = |body: &str| {
        s.request(
            "POST",
            &format!("/api/session/{id}/step"),
            Some(body.as_bytes()),
        )
    };
    assert_eq!(step(r#"{"weeks":100000}"#).status, 400);
    assert_eq!(step(r#"{"weeks":-1}"#).status, 400);
    assert_eq!(step(r#"{"weeks":"two"}"#).status, 400);
    assert_eq!(s.get(&format!("/api/session/{id}/person/150")).status, 404);
    assert_eq!(s.get(&format!("/api/session/{id}/person/-3")).status, 400);
    assert_eq!(
        s.get(&format!("/api/session/{id}/person/99999999999999999999"))
            .status,
        400
    );
    let strike = |body: serde_json::Value| s.post(&format!("/api/session/{id}/strike"), &body);
    assert_eq!(strike(json!({"person": 150})).status, 400);
    assert_eq!(strike(json!({"person": 0, "event": 9})).status, 400);
    assert_eq!(strike(json!({"person": "x"})).status, 400);
    assert_eq!(
        s.post(
            &format!("/api/session/{id}/support"),
            &json!({"open": false, "town": 5})
        )
        .status,
        400
    );
    // Garbage that is not HTTP at all.
    let r = s.raw(b"\x00\x01\x02 garbage\r\n\r\n");
    assert!(r.status == 0 || r.status >= 400);
    // Still serving, and the session still works.
    assert_eq!(step(r#"{"weeks":2}"#).status, 200);
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn limits_on_population_and_sessions_are_enforced() {
    let s = Studio::start(&[]);
    let r = s.post("/api/check", &small(&[("population.size", "20001")]));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["problems"][0]["path"], "population.size");
    assert!(r.text().contains("at most 20000"), "{}", r.text());
    let tiny = small(&[("population.size", "30"), ("burn_in", "0")]);
    let ids: Vec<String> = (0..8).map(|_| setup(&s, &tiny)).collect();
    let r = s.post("/api/setup", &tiny);
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.text().contains("8 sessions"), "{}", r.text());
    // Closing one frees its slot; replacing one's own session does not need a new slot.
    assert_eq!(
        s.request("DELETE", &format!("/api/session/{}", ids[0]), None)
            .status,
        200
    );
    let again = setup(&s, &tiny);
    let mut replace = tiny.clone();
    replace["replaces"] = json!(again);
    setup(&s, &replace);
}

/// Steps a session `weeks` weeks and returns every town's metric rows.
fn run_weeks(s: &Studio, id: &str, weeks: u32) -> serde_json::Value {
    let mut done = 0;
    while done < weeks {
        let r = s.post(
            &format!("/api/session/{id}/step"),
            &json!({"weeks": (weeks - done).min(52)}),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let h = frame_header(&r.body);
        done += h["advanced"].as_u64().unwrap() as u32;
        if h["done"].as_bool().unwrap() {
            break;
        }
    }
    s.get(&format!("/api/session/{id}/metrics")).json()
}

/// The rows of timeseries.csv of a one-replicate run, as text fields after `replicate,step`.
fn timeseries(dir: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').skip(2).map(str::to_string).collect())
        .collect()
}

fn as_table(rows: &serde_json::Value) -> Vec<Vec<String>> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    let mut s = String::new();
                    belonging::output::tables::num(&mut s, v.as_f64().unwrap_or(f64::NAN));
                    s
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_studios_numbers_equal_runs_for_both_towns() {
    // Town A: the scenario; town B: one setting apart (no support groups), the same seed.
    let seed = "4242";
    let tmp = tempdir();
    let common = [
        "--set",
        "population.size=150",
        "--set",
        "burn_in=6",
        "--set",
        "steps=40",
        "--set",
        "events[0].pulse.step=3",
        "--seed",
        seed,
        "--replicates",
        "1",
        "--quiet",
    ];
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let mut args = vec!["run", "classroom", "--out", a.to_str().unwrap()];
    args.extend(common);
    belonging(&args).success();
    let mut args = vec![
        "run",
        "classroom",
        "--out",
        b.to_str().unwrap(),
        "--set",
        "support.enabled=false",
    ];
    args.extend(common);
    belonging(&args).success();

    let s = Studio::start(&[]);
    let mut req = small(&[("seed", seed)]);
    req["compare"] = json!({"set": [{"path": "support.enabled", "value": "false"}]});
    let id = setup(&s, &req);
    let m = run_weeks(&s, &id, 40);
    let names: Vec<&str> = m["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let header = std::fs::read_to_string(a.join("timeseries.csv")).unwrap();
    assert_eq!(
        header.lines().next().unwrap(),
        format!("replicate,step,{}", names.join(","))
    );
    for (k, dir) in [(0, &a), (1, &b)] {
        let studio = as_table(&m["towns"][k]["rows"]);
        let run = timeseries(dir);
        assert_eq!(studio.len(), 40, "town {k}: weeks recorded");
        assert_eq!(run.len(), 40);
        for (w, (x, y)) in studio.iter().zip(&run).enumerate() {
            // Exactly equal, as the tables write numbers.
            assert_eq!(
                x, y,
                "town {k}, week {w}: the studio and `belonging run` differ"
            );
        }
    }
    // The two towns differ (support groups matter) but start from the same people.
    let sa = as_table(&m["towns"][0]["rows"]);
    let sb = as_table(&m["towns"][1]["rows"]);
    assert_ne!(sa, sb);
    // Past the end: no more weeks.
    let r = s.post(&format!("/api/session/{id}/step"), &json!({"weeks": 5}));
    assert_eq!(frame_header(&r.body)["advanced"], 0);
}

#[test]
fn a_person_has_a_story_and_actions_work() {
    let s = Studio::start(&[]);
    let id = setup(&s, &small(&[]));
    run_weeks(&s, &id, 20);
    let sug = s.get(&format!("/api/session/{id}/suggest")).json();
    let i = sug["person"]
        .as_u64()
        .expect("someone was struck by the pulse in week 3");
    let p = s.get(&format!("/api/session/{id}/person/{i}")).json();
    let story = p["towns"][0]["story"].as_array().unwrap();
    let first = story
        .iter()
        .find(|l| l["odd"] == "6.1")
        .expect("the life event is in the story");
    assert_eq!(first["week"], 3, "{first}");
    assert!(first["source"]
        .as_str()
        .unwrap()
        .contains("Lehardy & Fowers 2018"));
    assert_eq!(
        p["towns"][0]["series"]["loneliness"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    // Strike someone not yet struck, in every town; a second strike is refused.
    let fresh = (0..150)
        .find(|&j| {
            s.get(&format!("/api/session/{id}/person/{j}")).json()["towns"][0]["condition"]
                .is_null()
        })
        .expect("someone unaffected");
    let r = s.post(
        &format!("/api/session/{id}/strike"),
        &json!({"person": fresh}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.post(
        &format!("/api/session/{id}/strike"),
        &json!({"person": fresh}),
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("already"));
    run_weeks(&s, &id, 1);
    let p = s.get(&format!("/api/session/{id}/person/{fresh}")).json();
    let struck = p["towns"][0]["story"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["odd"] == "6.1" && l["week"] == 20);
    assert!(struck, "the strike is the story's week 20: {p}");
    // Close support groups: none is left.
    let r = s.post(
        &format!("/api/session/{id}/support"),
        &json!({"open": false}),
    );
    assert_eq!(r.status, 200);
    let r = s.post(&format!("/api/session/{id}/step"), &json!({"weeks": 1}));
    let h = frame_header(&r.body);
    assert_eq!(h["towns"][0]["support_open"], false);
    assert_eq!(h["towns"][0]["support_groups"].as_array().unwrap().len(), 0);
    // The run saved as a replay: one self-contained page.
    let r = s.get(&format!("/api/session/{id}/replay.html"));
    assert_eq!(r.status, 200);
    assert!(r.headers.contains("content-disposition: attachment"));
    let html = r.text();
    assert!(html.contains("REPLAY_META") && !html.contains("https://"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_studio_cleanly() {
    let s = Studio::start(&[]);
    let id = setup(&s, &small(&[]));
    run_weeks(&s, &id, 2);
    let (code, err) = s.interrupt(std::time::Duration::from_secs(10));
    assert_eq!(code, Some(0), "stderr: {err}");
    assert!(err.contains("stopped"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn a_bad_host_port_or_scenario_is_refused() {
    belonging(&["studio", "--host", "nowhere"])
        .bad_input()
        .stderr_has(&["--host nowhere"]);
    belonging(&["studio", "no-such-scenario.ron"]).bad_input();
    let tmp = tempdir();
    let bad = tmp.path().join("bad.ron");
    std::fs::write(&bad, "(population: (size: -5))").unwrap();
    belonging(&["studio", bad.to_str().unwrap()])
        .bad_input()
        .stderr_has(&["bad.ron"]);
}

#[test]
fn replay_writes_an_offline_page_and_a_gif_and_refuses_a_run_without_snapshots() {
    let tmp = tempdir();
    let dir = tmp.path().join("run");
    belonging(&[
        "run",
        "classroom",
        "--replicates",
        "1",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
        "--set",
        "population.size=120",
        "--set",
        "steps=30",
        "--set",
        "burn_in=4",
        "--set",
        "events[0].pulse.step=3",
        "--set",
        "output.snapshot_every=Some(5)",
    ])
    .success();
    let html = tmp.path().join("r.html");
    let out = belonging(&[
        "replay",
        dir.to_str().unwrap(),
        "--out",
        html.to_str().unwrap(),
    ]);
    out.success();
    assert!(
        out.stdout.contains("6 frames of 120 people"),
        "{}",
        out.stdout
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    for far in ["http://", "https://", "src=\"", "href=\"/"] {
        assert!(
            !page.contains(far),
            "the replay refers to `{far}`: it must be self-contained"
        );
    }
    let gif = tmp.path().join("r.gif");
    belonging(&[
        "replay",
        dir.to_str().unwrap(),
        "--out",
        gif.to_str().unwrap(),
    ])
    .success();
    let bytes = std::fs::read(&gif).unwrap();
    assert_eq!(&bytes[..6], b"GIF89a");
    // A run with only its final snapshot.
    let one = tmp.path().join("one");
    belonging(&[
        "run",
        "classroom",
        "--replicates",
        "1",
        "--quiet",
        "--out",
        one.to_str().unwrap(),
        "--set",
        "population.size=60",
        "--set",
        "steps=5",
        "--set",
        "burn_in=1",
        "--set",
        "events[0].pulse.step=2",
    ])
    .success();
    belonging(&[
        "replay",
        one.to_str().unwrap(),
        "--out",
        html.to_str().unwrap(),
    ])
    .bad_input()
    .stderr_has(&["1 snapshot", "snapshot_every=Some(10)"]);
    belonging(&[
        "replay",
        tmp.path().to_str().unwrap(),
        "--out",
        html.to_str().unwrap(),
    ])
    .bad_input()
    .stderr_has(&["no agents.csv"]);
    belonging(&["replay", dir.to_str().unwrap(), "--out", "x.png"])
        .bad_input()
        .stderr_has(&[".html", ".gif"]);
}
