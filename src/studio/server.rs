//! The studio's web server (axum on tokio): the embedded page and its assets, and the JSON
//! and binary API of docs/STUDIO.md. Nothing of the file system is served or read; the
//! simulation runs on blocking threads, at most `Limits::busy` at once.

use super::assets;
use super::protocol::{
    encode_frame, ErrorBody, Limits, SetupRequest, StepRequest, StrikeRequest, SupportRequest,
};
use super::session::{self, Refusal, Session, Sessions};
use super::story;
use super::tours;
use super::town;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::Semaphore;

/// The server's shared state.
pub struct App {
    pub sessions: Sessions,
    busy: Semaphore,
    /// The scenario the page opens with: `{"builtin": name}` or `{"ron": text, "file": name}`.
    pub start: Value,
}

impl App {
    pub fn new(limits: Limits, start: Value) -> Arc<App> {
        Arc::new(App {
            busy: Semaphore::new(limits.busy.max(1)),
            sessions: Sessions::new(limits),
            start,
        })
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = ErrorBody {
            error: self.message,
            problems: self.problems,
        };
        (status, axum::Json(body)).into_response()
    }
}

type Answer = Result<Response, Refusal>;

fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| Refusal::bad(format!("malformed request: {e}")))
}

/// The router of a studio.
pub fn router(app: Arc<App>) -> Router {
    let limit = app.sessions.limits.body_bytes;
    Router::new()
        .route("/", get(index))
        .route(
            "/studio.js",
            get(|| asset(assets::STUDIO_JS, "text/javascript")),
        )
        .route(
            "/draw.js",
            get(|| asset(assets::DRAW_JS, "text/javascript")),
        )
        .route("/studio.css", get(|| asset(assets::STUDIO_CSS, "text/css")))
        .route("/api/info", get(info))
        .route(
            "/api/odd",
            get(|| asset(assets::ODD, "text/plain; charset=utf-8")),
        )
        .route("/api/check", post(check))
        .route("/api/setup", post(setup))
        .route("/api/session/{id}", axum::routing::delete(close))
        .route("/api/session/{id}/step", post(step))
        .route("/api/session/{id}/strike", post(strike))
        .route("/api/session/{id}/support", post(support))
        .route("/api/session/{id}/person/{i}", get(person))
        .route("/api/session/{id}/suggest", get(suggest))
        .route("/api/session/{id}/metrics", get(metrics))
        .route("/api/session/{id}/replay.html", get(replay))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(app)
}

async fn asset(text: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        text,
    )
        .into_response()
}

async fn index() -> Response {
    asset(assets::INDEX_HTML, "text/html; charset=utf-8").await
}

async fn not_found() -> Response {
    Refusal::status(
        404,
        "not found: the studio serves only its page and its API",
    )
    .into_response()
}

/// The value at a scenario path (`events[0].hazard`) of a scenario's JSON form.
pub fn value_at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        let (name, rest) = part.split_once('[').map_or((part, ""), |(a, b)| (a, b));
        cur = cur.get(name)?;
        if !rest.is_empty() {
            let k: usize = rest.trim_end_matches(']').parse().ok()?;
            cur = cur.get(k)?;
        }
    }
    Some(cur)
}

async fn info(State(app): State<Arc<App>>) -> Response {
    let l = app.sessions.limits;
    let scenarios: Vec<Value> = town::builtins()
        .into_iter()
        .map(|(name, description)| {
            json!({"name": name, "description": description, "tour": tours::tour(&name)})
        })
        .collect();
    axum::Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "start": app.start,
        "scenarios": scenarios,
        "controls": tours::CONTROLS,
        "metrics": town::metric_names(),
        "limits": {
            "population": l.population,
            "person_weeks": l.person_weeks,
            "sessions": l.sessions,
            "idle_minutes": l.idle_secs / 60,
            "weeks_per_request": l.weeks_per_request,
            "body_bytes": l.body_bytes,
        },
    }))
    .into_response()
}

/// Runs blocking work on the blocking pool, at most `busy` at once.
async fn blocking<T: Send + 'static>(
    app: &App,
    f: impl FnOnce() -> Result<T, Refusal> + Send + 'static,
) -> Result<T, Refusal> {
    let _permit = app
        .busy
        .acquire()
        .await
        .map_err(|_| Refusal::status(503, "the studio is shutting down"))?;
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(_) => Err(Refusal::status(
            500,
            "the simulation failed unexpectedly (please report it); the studio goes on",
        )),
    }
}

/// The scenario's current values of the page's controls (null where a path does not apply).
fn control_values(cfg: &crate::scenario::Config) -> Value {
    let s = serde_json::to_value(&cfg.scenario).unwrap_or(Value::Null);
    let mut out = serde_json::Map::new();
    for c in tours::CONTROLS {
        out.insert(
            c.path.to_string(),
            value_at(&s, c.path).cloned().unwrap_or(Value::Null),
        );
    }
    Value::Object(out)
}

async fn check(State(app): State<Arc<App>>, body: Bytes) -> Answer {
    let req: SetupRequest = parse(&body)?;
    let limits = app.sessions.limits;
    let configs = blocking(&app, move || session::resolve(&req, &limits)).await?;
    let c = &configs[0];
    Ok(axum::Json(json!({
        "ok": true,
        "name": c.scenario.name,
        "description": c.scenario.description,
        "values": control_values(c),
        "events": c.scenario.events.iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
        "steps": c.scenario.steps,
        "population": c.scenario.population.size,
    }))
    .into_response())
}

fn town_json(t: &session::TownState) -> Value {
    json!({
        "label": t.label,
        "n": t.town.n(),
        "events": t.town.event_names(),
        "support_open": t.town.support_open(),
        "has_support": t.town.has_support_events(),
        "belonging": t.town.has_belonging(),
    })
}

async fn setup(State(app): State<Arc<App>>, body: Bytes) -> Answer {
    let req: SetupRequest = parse(&body)?;
    let limits = app.sessions.limits;
    let r2 = req.clone();
    let configs = blocking(&app, move || session::resolve(&r2, &limits)).await?;
    let id = app.sessions.reserve(req.replaces.as_deref())?;
    let labels = req.compare.as_ref().and_then(|c| c.labels.clone());
    let built = blocking(&app, move || Ok(Session::new(configs, labels))).await;
    let s = match built {
        Ok(s) => s,
        Err(e) => {
            app.sessions.remove(&id);
            return Err(e);
        }
    };
    let c = s.towns[0].town.config();
    let answer = json!({
        "session": id,
        "name": s.scenario_name,
        "description": c.scenario.description,
        "steps": s.steps(),
        "week": s.week(),
        "threshold": s.towns[0].town.threshold(),
        "towns": s.towns.iter().map(town_json).collect::<Vec<_>>(),
        "values": control_values(c),
    });
    app.sessions.put(&id, s);
    Ok(axum::Json(answer).into_response())
}

fn session_of(app: &App, id: &str) -> Result<Arc<Mutex<Session>>, Refusal> {
    app.sessions.get(id).ok_or_else(|| {
        Refusal::status(
            404,
            "no such session (it was closed, or dropped after being idle): press Setup",
        )
    })
}

/// Locks a session for `f`, on the blocking pool.
async fn with_session<T: Send + 'static>(
    app: &Arc<App>,
    id: &str,
    f: impl FnOnce(&mut Session) -> Result<T, Refusal> + Send + 'static,
) -> Result<T, Refusal> {
    let s = session_of(app, id)?;
    let id = id.to_string();
    let app2 = app.clone();
    blocking(app, move || {
        let mut guard = match s.lock() {
            Ok(g) => g,
            Err(_) => {
                app2.sessions.remove(&id);
                return Err(Refusal::status(500, "this session failed; press Setup"));
            }
        };
        if !guard.is_ready() {
            return Err(Refusal::status(409, "this session is still being set up"));
        }
        guard.last_used = Instant::now();
        f(&mut guard)
    })
    .await
}

async fn close(State(app): State<Arc<App>>, Path(id): Path<String>) -> Answer {
    if app.sessions.remove(&id) {
        Ok(axum::Json(json!({"closed": true})).into_response())
    } else {
        Err(Refusal::status(404, "no such session"))
    }
}

fn nums(row: &[f64]) -> Value {
    Value::Array(
        row.iter()
            .map(|&x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number))
            .collect(),
    )
}

async fn step(State(app): State<Arc<App>>, Path(id): Path<String>, body: Bytes) -> Answer {
    let req: StepRequest = parse(&body)?;
    let max = app.sessions.limits.weeks_per_request;
    if req.weeks > max {
        return Err(Refusal::bad(format!(
            "at most {max} weeks per request (asked for {})",
            req.weeks
        )));
    }
    let frame = with_session(&app, &id, move |s| {
        let from = s.towns[0].metrics.len();
        let advanced = s.advance(req.weeks);
        let towns: Vec<Value> = s
            .towns
            .iter()
            .map(|t| {
                let groups: Vec<Value> = (0..t.town.n_groups())
                    .filter(|&g| t.town.group_is_support(g) && t.town.group_active(g))
                    .filter(|&g| !t.town.group_members(g).is_empty())
                    .map(|g| json!({"id": g, "members": t.town.group_members(g)}))
                    .collect();
                json!({
                    "metrics": t.metrics[from..].iter().map(|r| nums(r)).collect::<Vec<_>>(),
                    "support_open": t.town.support_open(),
                    "support_groups": groups,
                    "story_dropped": t.tracker.dropped,
                })
            })
            .collect();
        let header = json!({
            "week": s.week(),
            "steps": s.steps(),
            "advanced": advanced,
            "done": s.week() >= s.steps(),
            "towns": towns,
        });
        let states: Vec<(Vec<u8>, Vec<u8>)> = s
            .towns
            .iter()
            .map(|t| {
                let n = t.town.n();
                (
                    t.town
                        .loneliness()
                        .iter()
                        .map(|&v| story::byte(v))
                        .collect(),
                    (0..n).map(|i| story::flags(&t.town, i)).collect(),
                )
            })
            .collect();
        let ties: Option<Vec<Vec<(u32, u32, f32)>>> = req.ties.then(|| {
            s.towns
                .iter()
                .map(|t| {
                    let mut v = Vec::new();
                    t.town.for_each_tie(|a, b, w| v.push((a, b, w)));
                    v
                })
                .collect()
        });
        Ok(encode_frame(
            &header,
            &s.layout.quantized(),
            &states,
            ties.as_deref(),
        ))
    })
    .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        )],
        frame,
    )
        .into_response())
}

async fn strike(State(app): State<Arc<App>>, Path(id): Path<String>, body: Bytes) -> Answer {
    let req: StrikeRequest = parse(&body)?;
    with_session(&app, &id, move |s| {
        s.strike(req.person as usize, req.event as usize)
    })
    .await?;
    Ok(axum::Json(json!({"struck": req.person})).into_response())
}

async fn support(State(app): State<Arc<App>>, Path(id): Path<String>, body: Bytes) -> Answer {
    let req: SupportRequest = parse(&body)?;
    let dissolved = with_session(&app, &id, move |s| s.support(req.open, req.town)).await?;
    Ok(axum::Json(json!({"open": req.open, "dissolved": dissolved})).into_response())
}

async fn person(State(app): State<Arc<App>>, Path((id, i)): Path<(String, String)>) -> Answer {
    let i: usize = i
        .parse()
        .map_err(|_| Refusal::bad(format!("`{i}` is not a person's number")))?;
    let v = with_session(&app, &id, move |s| {
        let n = s.towns[0].town.n();
        if i >= n {
            return Err(Refusal::status(
                404,
                format!("there is no person {i} (this town has {n})"),
            ));
        }
        let towns: Vec<Value> = s
            .towns
            .iter()
            .map(|t| {
                let tw = &t.town;
                let series = t.history.of(i);
                let groups: Vec<Value> = tw
                    .memberships_of(i)
                    .into_iter()
                    .map(|m| {
                        json!({
                            "id": m.group.id,
                            "kind": m.group.kind,
                            "support": m.group.support,
                            "focus": m.group.focus,
                            "identification": m.identification,
                            "members": tw.group_members(m.group.id as usize).len(),
                        })
                    })
                    .collect();
                let mut ties: Vec<(u32, f32)> = tw.ties_of(i).collect();
                ties.sort_by(|a, b| b.1.total_cmp(&a.1));
                json!({
                    "label": t.label,
                    "loneliness": tw.loneliness()[i],
                    "belonging": tw.belonging()[i],
                    "attachment": tw.attachment()[i],
                    "membership": tw.membership()[i],
                    "collective": tw.collective()[i],
                    "condition": tw.condition(i).map(|(c, active)| json!({"name": c, "active": active})),
                    "event_week": tw.event_week(i),
                    "resigned": tw.resigned(i),
                    "groups": groups,
                    "ties": ties.iter().map(|(o, w)| json!([o, w])).collect::<Vec<_>>(),
                    "series": {
                        "loneliness": series.iter().map(|s| s.0).collect::<Vec<_>>(),
                        "belonging": series.iter().map(|s| s.1).collect::<Vec<_>>(),
                        "flags": series.iter().map(|s| s.2).collect::<Vec<_>>(),
                    },
                    "story": t.tracker.story(i),
                })
            })
            .collect();
        Ok(json!({"person": i, "week": s.week(), "threshold": s.towns[0].town.threshold(), "towns": towns}))
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

/// A person worth following in the first town: a story of loss and regain if there is one,
/// else someone struck by a life event, else nobody.
async fn suggest(State(app): State<Arc<App>>, Path(id): Path<String>) -> Answer {
    let v = with_session(&app, &id, |s| {
        let t = &s.towns[0];
        let n = t.town.n();
        let regained = (0..n).find(|&i| t.tracker.lost_and_regained(i));
        let struck = (0..n).find(|&i| t.town.affected(i));
        Ok(json!({
            "person": regained.or(struck),
            "lost_and_regained": regained.is_some(),
        }))
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

async fn metrics(State(app): State<Arc<App>>, Path(id): Path<String>) -> Answer {
    let v = with_session(&app, &id, |s| {
        Ok(json!({
            "names": town::metric_names(),
            "towns": s.towns.iter().map(|t| json!({
                "label": t.label,
                "rows": t.metrics.iter().map(|r| nums(r)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }))
    })
    .await?;
    Ok(axum::Json(v).into_response())
}

async fn replay(State(app): State<Arc<App>>, Path(id): Path<String>) -> Answer {
    let (html, name) = with_session(&app, &id, |s| {
        if s.replay.frames.len() < super::replay::MIN_FRAMES {
            return Err(Refusal::bad(format!(
                "run at least {} weeks before saving a replay",
                super::session::REPLAY_EVERY
            )));
        }
        Ok((s.replay.to_html(), s.scenario_name.clone()))
    })
    .await?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{safe}-replay.html\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        html,
    )
        .into_response())
}

/// Options of `belonging studio`.
#[derive(Debug, Clone)]
pub struct Options {
    pub addr: SocketAddr,
    pub limits: Limits,
    /// The scenario the page opens with: `{"builtin": name}` or `{"ron": text, "file": name}`.
    pub start: Value,
}

/// Binds, calls `ready` with the address bound, and serves until `shutdown` completes (or
/// Ctrl-C / SIGTERM), then ends cleanly.
pub fn serve(
    opts: Options,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(opts.limits.busy.max(1) + 2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.addr).await?;
        let addr = listener.local_addr()?;
        let app = App::new(opts.limits, opts.start);
        let reaper = {
            let app = app.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
                loop {
                    tick.tick().await;
                    app.sessions.reap();
                }
            })
        };
        ready(addr);
        let stop = async move {
            let term = async {
                #[cfg(unix)]
                {
                    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    {
                        Ok(mut s) => {
                            s.recv().await;
                        }
                        Err(_) => std::future::pending::<()>().await,
                    }
                }
                #[cfg(not(unix))]
                std::future::pending::<()>().await
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term => {},
                _ = shutdown => {},
            }
        };
        let r = axum::serve(listener, router(app))
            .with_graceful_shutdown(stop)
            .await;
        reaper.abort();
        r
    })
}
