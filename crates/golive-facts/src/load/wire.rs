//! The load generator's HTTP/1.1 framing, sans I/O: where a response head ends, what it says
//! about the body, and a chunked-body decoder that only skips data. The load path discards
//! bodies and reuses one pre-serialized request, so it needs framing, not a general client;
//! doing it here keeps the hot path at one write and (usually) one read per request.

/// Most headers a response head may carry.
const MAX_HEADERS: usize = 100;
/// Longest chunk-size or trailer line accepted.
pub const MAX_LINE: usize = 4096;

/// How the body after a head is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLen {
    /// 1xx, 204 and 304 answers carry none.
    Empty,
    Length(u64),
    Chunked,
    /// No length: the body ends when the server closes the connection.
    UntilClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    /// Bytes of the head, blank line included.
    pub len: usize,
    pub body: BodyLen,
    /// The server will close the connection after this response.
    pub close: bool,
}

fn tokens(v: &[u8]) -> impl DoubleEndedIterator<Item = &[u8]> {
    v.split(|b| *b == b',').map(|t| t.trim_ascii())
}

/// Parses the response head at the start of `buf`: `Ok(None)` when more bytes are needed.
pub fn parse_head(buf: &[u8]) -> Result<Option<Head>, String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut r = httparse::Response::new(&mut headers);
    let len = match r.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(format!("invalid response head: {e}")),
    };
    let status = r.code.ok_or("response head without a status")?;
    let http10 = r.version == Some(0);
    let mut close = http10;
    let mut length: Option<u64> = None;
    let mut encoded = false;
    let mut chunked = false;
    for h in r.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-length") {
            let v = std::str::from_utf8(h.value)
                .ok()
                .map(str::trim)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or("invalid Content-Length")?;
            if length.is_some_and(|l| l != v) {
                return Err("conflicting Content-Length headers".into());
            }
            length = Some(v);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            // Only the last coding decides whether the body is chunked (RFC 9112 6.3).
            encoded = true;
            chunked = tokens(h.value)
                .rfind(|t| !t.is_empty())
                .is_some_and(|t| t.eq_ignore_ascii_case(b"chunked"));
        } else if h.name.eq_ignore_ascii_case("connection") {
            for t in tokens(h.value) {
                if t.eq_ignore_ascii_case(b"close") {
                    close = true;
                } else if t.eq_ignore_ascii_case(b"keep-alive") && http10 {
                    close = false;
                }
            }
        }
    }
    let body = if (100..200).contains(&status) || status == 204 || status == 304 {
        BodyLen::Empty
    } else if encoded {
        if chunked {
            BodyLen::Chunked
        } else {
            BodyLen::UntilClose
        }
    } else {
        match length {
            Some(n) => BodyLen::Length(n),
            None => BodyLen::UntilClose,
        }
    };
    Ok(Some(Head {
        status,
        len,
        body,
        close: close || body == BodyLen::UntilClose,
    }))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Size,
    Data(u64),
    DataEnd,
    Trailer,
    Done,
}

/// Skips a chunked body as its bytes arrive.
#[derive(Debug, Default)]
pub struct Chunked {
    state: State,
}

/// The line at the start of `buf` without its line ending, and the bytes it takes with it.
fn line(buf: &[u8]) -> Result<Option<(&[u8], usize)>, String> {
    match buf.iter().position(|b| *b == b'\n') {
        Some(nl) => {
            let l = &buf[..nl];
            Ok(Some((l.strip_suffix(b"\r").unwrap_or(l), nl + 1)))
        }
        None if buf.len() > MAX_LINE => Err("chunk line too long".into()),
        None => Ok(None),
    }
}

fn chunk_size(l: &[u8]) -> Result<u64, String> {
    let hex = l.split(|b| *b == b';').next().unwrap_or(b"").trim_ascii();
    if hex.is_empty() || hex.len() > 15 {
        return Err("invalid chunk size".into());
    }
    let mut n = 0u64;
    for b in hex {
        let d = (*b as char).to_digit(16).ok_or("invalid chunk size")?;
        n = n * 16 + d as u64;
    }
    Ok(n)
}

impl Chunked {
    pub fn done(&self) -> bool {
        self.state == State::Done
    }

    /// Consumes what it can of `buf` and returns how many bytes it took; call again with more
    /// bytes until [`Chunked::done`].
    pub fn advance(&mut self, buf: &[u8]) -> Result<usize, String> {
        let mut i = 0;
        loop {
            let rest = &buf[i..];
            match self.state {
                State::Size => {
                    let Some((l, n)) = line(rest)? else {
                        return Ok(i);
                    };
                    let size = chunk_size(l)?;
                    i += n;
                    self.state = if size == 0 {
                        State::Trailer
                    } else {
                        State::Data(size)
                    };
                }
                State::Data(left) => {
                    let take = left.min(rest.len() as u64);
                    i += take as usize;
                    if take < left {
                        self.state = State::Data(left - take);
                        return Ok(i);
                    }
                    self.state = State::DataEnd;
                }
                State::DataEnd => {
                    let Some((l, n)) = line(rest)? else {
                        return Ok(i);
                    };
                    if !l.is_empty() {
                        return Err("chunk data longer than its size".into());
                    }
                    i += n;
                    self.state = State::Size;
                }
                State::Trailer => {
                    let Some((l, n)) = line(rest)? else {
                        return Ok(i);
                    };
                    i += n;
                    if l.is_empty() {
                        self.state = State::Done;
                    }
                }
                State::Done => return Ok(i),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(s: &str) -> Head {
        parse_head(s.as_bytes()).unwrap().unwrap()
    }

    #[test]
    fn heads() {
        let h = head("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
        assert_eq!(
            (h.status, h.body, h.close, h.len),
            (200, BodyLen::Length(3), false, 38)
        );
        let h = head(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 9\r\n\r\n",
        );
        assert_eq!(h.body, BodyLen::Chunked);
        let h = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
        assert_eq!((h.body, h.close), (BodyLen::UntilClose, true));
        let h = head("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n");
        assert_eq!(h.body, BodyLen::Empty);
        let h = head("HTTP/1.1 100 Continue\r\n\r\n");
        assert_eq!((h.status, h.body), (100, BodyLen::Empty));
        let h =
            head("HTTP/1.1 500 x\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n");
        assert_eq!((h.status, h.close), (500, true));
        let h = head("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
        assert!(h.close);
        let h = head("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
        assert!(!h.close);
        let h = head("HTTP/1.1 200 OK\r\n\r\n");
        assert_eq!((h.body, h.close), (BodyLen::UntilClose, true));
        assert_eq!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Le").unwrap(), None);
        assert!(parse_head(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").is_err());
        assert!(
            parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
                .is_err()
        );
    }

    /// Feeds `body` in pieces of `step` bytes, as reads would deliver it.
    fn skip(body: &[u8], step: usize) -> Result<usize, String> {
        let mut c = Chunked::default();
        let mut pending = Vec::new();
        let mut used = 0;
        for piece in body.chunks(step) {
            pending.extend_from_slice(piece);
            let n = c.advance(&pending)?;
            pending.drain(..n);
            used += n;
            if c.done() {
                return Ok(used);
            }
        }
        Err("incomplete".into())
    }

    #[test]
    fn chunked_bodies_in_any_split() {
        let body = b"5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
        for step in 1..body.len() {
            assert_eq!(skip(body, step), Ok(body.len() - 4), "step {step}");
        }
        assert_eq!(skip(b"0\n\n", 1), Ok(3));
        assert!(skip(b"zz\r\n", 4).is_err());
        assert!(skip(b"3\r\nabcd\r\n0\r\n\r\n", 64).is_err());
        assert!(skip(b"ffffffffffffffffff\r\n", 64).is_err());
        assert!(skip(&[b'1'; MAX_LINE + 2], MAX_LINE + 2).is_err());
    }
}
