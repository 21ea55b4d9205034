//! Shared by the studio's HTTP tests (tests/cli/studio.rs) and browser tests
//! (tests/browser.rs): start `belonging studio` on a free port, and a minimal HTTP/1.1
//! client over a plain TCP socket (loopback only).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `belonging studio`, stopped (by its own process id) when dropped.
pub struct Studio {
    pub child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    pub stdout: BufReader<std::process::ChildStdout>,
}

impl Studio {
    /// Starts the binary with `args` after `studio --port 0` and waits for its URL line.
    pub fn start(args: &[&str]) -> Studio {
        let mut child = Command::new(env!("CARGO_BIN_EXE_belonging"))
            .args(["studio", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start belonging studio");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("read the studio's first line");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in the studio's first line: {line:?}"));
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        assert!(
            addr.starts_with("127.0.0.1:"),
            "the studio must bind 127.0.0.1 by default: {line}"
        );
        Studio {
            child,
            addr,
            stdout,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A request; returns the status, the headers (lower-case text) and the body.
    pub fn request(&self, method: &str, path: &str, body: Option<&[u8]>) -> Response {
        http(&self.addr, method, path, body)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, None)
    }

    pub fn post(&self, path: &str, json: &serde_json::Value) -> Response {
        self.request("POST", path, Some(json.to_string().as_bytes()))
    }

    /// Sends raw bytes and reads the whole answer (the server closes the connection).
    pub fn raw(&self, bytes: &[u8]) -> Response {
        raw(&self.addr, bytes)
    }

    /// Ends the studio by its process id (SIGINT, as Ctrl-C) and waits; returns whether it
    /// ended by itself within `limit`, with its exit code and stderr.
    #[cfg(unix)]
    pub fn interrupt(mut self, limit: Duration) -> (Option<i32>, String) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                return (status.code(), err);
            }
            if start.elapsed() > limit {
                return (None, String::new());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Studio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 request to `addr` (`127.0.0.1:PORT`), a JSON body if any.
pub fn http(addr: &str, method: &str, path: &str, body: Option<&[u8]>) -> Response {
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n").into_bytes();
    if let Some(b) = body {
        req.extend_from_slice(
            format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            )
            .as_bytes(),
        );
    }
    req.extend_from_slice(b"\r\n");
    if let Some(b) = body {
        req.extend_from_slice(b);
    }
    raw(addr, &req)
}

/// Sends raw bytes and reads the answer: up to its Content-Length, the end of its chunks,
/// or the close of the connection (some servers keep it open despite `Connection: close`).
pub fn raw(addr: &str, bytes: &[u8]) -> Response {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(300))).ok();
    // The server may answer (e.g. 413) before reading everything: ignore a reset here.
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        if let Some(end) = out.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&out[..end]).to_lowercase();
            let body = out.len() - end - 4;
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| body >= n) {
                break;
            }
            if head.contains("transfer-encoding: chunked") && out.ends_with(b"0\r\n\r\n") {
                break;
            }
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(k) => out.extend_from_slice(&buf[..k]),
        }
    }
    Response::parse(&out)
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(raw.len());
        let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut body = raw.get(split + 4..).unwrap_or(&[]).to_vec();
        if head.contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        Response {
            status,
            headers: head,
            body,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 2 + size + 2..];
    }
}

/// The binary frame's JSON header (src/studio/protocol.rs, `encode_frame`).
pub fn frame_header(frame: &[u8]) -> serde_json::Value {
    let len = u32::from_le_bytes(frame[..4].try_into().expect("4 bytes")) as usize;
    serde_json::from_slice(&frame[4..4 + len]).expect("the frame's header is JSON")
}
