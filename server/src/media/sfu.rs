//! The forwarding loop: one task owns the UDP socket and every WebRTC session (str0m's `Rtc`
//! is sans-IO and not `Sync`), feeds each its datagrams and timeouts, and copies what a
//! publisher sends to the viewers of its stream without decoding it. Its work per packet does
//! not grow with the number of sessions: timeouts wait in a heap, viewers are indexed by stream.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use app::live::video::Seat;
use str0m::media::{KeyframeRequestKind, MediaData, MediaKind, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Event, IceConnectionState, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::stats;

/// A stream: one event's seat.
pub type Path = (i64, Seat);

/// Why the loop turned a session away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Someone already publishes to that stream.
    Taken,
    /// The server holds as many sessions as it may.
    Full,
}

pub enum Command {
    /// A session whose offer was answered, to run from now on.
    Open {
        id: Uuid,
        path: Path,
        publisher: bool,
        rtc: Box<Rtc>,
        reply: oneshot::Sender<Result<(), Refused>>,
    },
    /// Ends session `id` (its owner's `DELETE`); answers whether it existed.
    Close {
        id: Uuid,
        reply: oneshot::Sender<bool>,
    },
    /// Ends whatever publishes to `path`.
    EndStream(Path),
}

/// Keyframe requests to one publisher at most this often: every new viewer asks for one.
const KEYFRAME_INTERVAL: Duration = Duration::from_millis(500);
/// A session whose peer never completes ICE and DTLS is dropped after this long.
const CONNECT_WITHIN: Duration = Duration::from_secs(15);
/// How often sessions that never connected are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

struct Session {
    path: Path,
    publisher: bool,
    rtc: Rtc,
    /// The session's media lines and their kinds, as negotiated.
    mids: Vec<(Mid, MediaKind)>,
    opened: Instant,
    connected: bool,
    /// When the session next needs `Input::Timeout`; `None` while it has no entry in the heap.
    wake: Option<Instant>,
    /// For publishers: when a keyframe was last asked for.
    keyframe_asked: Option<Instant>,
}

impl Session {
    fn mid_of(&self, kind: MediaKind) -> Option<Mid> {
        self.mids.iter().find(|(_, k)| *k == kind).map(|(m, _)| *m)
    }

    fn kind_of(&self, mid: Mid) -> Option<MediaKind> {
        self.mids.iter().find(|(m, _)| *m == mid).map(|(_, k)| *k)
    }
}

/// What draining one session produced for the others.
enum Relay {
    Media(Path, MediaKind, Box<MediaData>),
    Keyframe(Path),
}

pub struct Loop {
    socket: UdpSocket,
    /// The address announced in every answer: what peers send to.
    public: SocketAddr,
    max_sessions: usize,
    sessions: HashMap<Uuid, Session>,
    publishers: HashMap<Path, Uuid>,
    /// The viewers of each stream.
    audience: HashMap<Path, Vec<Uuid>>,
    /// Sessions by when they next need a timeout, earliest first. An entry whose time is no
    /// longer its session's `wake` is stale and skipped.
    timers: BinaryHeap<Reverse<(Instant, Uuid)>>,
    /// When sessions that never connected were last looked for.
    swept: Instant,
    /// Which session a peer's address belongs to, learnt from its first accepted datagram.
    peers: HashMap<SocketAddr, Uuid>,
}

impl Loop {
    pub fn new(socket: UdpSocket, public: SocketAddr, max_sessions: usize) -> Self {
        Self {
            socket,
            public,
            max_sessions,
            sessions: HashMap::new(),
            publishers: HashMap::new(),
            audience: HashMap::new(),
            timers: BinaryHeap::new(),
            swept: Instant::now(),
            peers: HashMap::new(),
        }
    }

    /// Runs until every sender of commands is gone.
    pub async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let mut buf = vec![0u8; 2048];
        loop {
            let sweep = self.swept + SWEEP_EVERY;
            let wake = self
                .timers
                .peek()
                .map_or(sweep, |Reverse((at, _))| (*at).min(sweep));
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.command(command),
                    None => return,
                },
                received = self.socket.recv_from(&mut buf) => match received {
                    Ok((n, source)) => self.receive(&buf[..n], source),
                    // ICMP "port unreachable" from a peer that left surfaces here on some systems.
                    Err(e) => tracing::debug!("media socket: {e}"),
                },
                _ = tokio::time::sleep_until(wake.into()) => {}
            }
            self.tick(Instant::now());
        }
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Open {
                id,
                path,
                publisher,
                rtc,
                reply,
            } => {
                let refused = if self.sessions.len() >= self.max_sessions {
                    Some(Refused::Full)
                } else if publisher && self.publishers.contains_key(&path) {
                    Some(Refused::Taken)
                } else {
                    None
                };
                if let Some(refused) = refused {
                    let _ = reply.send(Err(refused));
                    return;
                }
                let now = Instant::now();
                if publisher {
                    self.publishers.insert(path, id);
                } else {
                    self.audience.entry(path).or_default().push(id);
                }
                self.sessions.insert(
                    id,
                    Session {
                        path,
                        publisher,
                        rtc: *rtc,
                        mids: Vec::new(),
                        opened: now,
                        connected: false,
                        wake: None,
                        keyframe_asked: None,
                    },
                );
                stats::opened(publisher);
                // Nobody waits for the answer any more (the request went away): a publisher's
                // session left behind would hold its stream.
                if reply.send(Ok(())).is_err() {
                    self.end(id);
                    return;
                }
                self.drain(id, now);
            }
            Command::Close { id, reply } => {
                let _ = reply.send(self.end(id));
            }
            Command::EndStream(path) => {
                if let Some(id) = self.publishers.get(&path).copied() {
                    self.end(id);
                }
            }
        }
    }

    /// Ends session `id`; whether it existed.
    fn end(&mut self, id: Uuid) -> bool {
        let Some(mut session) = self.sessions.remove(&id) else {
            return false;
        };
        session.rtc.disconnect();
        if session.publisher {
            if self.publishers.get(&session.path) == Some(&id) {
                self.publishers.remove(&session.path);
            }
        } else if let Some(viewers) = self.audience.get_mut(&session.path) {
            viewers.retain(|v| *v != id);
            if viewers.is_empty() {
                self.audience.remove(&session.path);
            }
        }
        self.peers.retain(|_, s| *s != id);
        stats::closed(session.publisher);
        true
    }

    fn receive(&mut self, datagram: &[u8], source: SocketAddr) {
        stats::received(datagram.len());
        let now = Instant::now();
        let Ok(receive) = Receive::new(Protocol::Udp, source, self.public, datagram) else {
            return;
        };
        let input = Input::Receive(now, receive);
        let known = self
            .peers
            .get(&source)
            .copied()
            .filter(|id| self.sessions.contains_key(id));
        let id = match known {
            Some(id) => id,
            None => {
                let Some(id) = self
                    .sessions
                    .iter()
                    .find(|(_, s)| s.rtc.accepts(&input))
                    .map(|(id, _)| *id)
                else {
                    return;
                };
                self.peers.insert(source, id);
                id
            }
        };
        if let Some(session) = self.sessions.get_mut(&id) {
            if let Err(e) = session.rtc.handle_input(input) {
                tracing::debug!(%id, "media session dropped: {e}");
                session.rtc.disconnect();
            }
        }
        self.drain(id, now);
    }

    /// Gives every session whose timeout came its `Input::Timeout`; once a second, drops the
    /// sessions that never connected.
    fn tick(&mut self, now: Instant) {
        while let Some(&Reverse((at, id))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            let Some(session) = self.sessions.get_mut(&id) else {
                continue;
            };
            if session.wake != Some(at) {
                continue;
            }
            session.wake = None;
            if let Err(e) = session.rtc.handle_input(Input::Timeout(now)) {
                tracing::debug!(%id, "media session dropped: {e}");
                session.rtc.disconnect();
            }
            self.drain(id, now);
        }
        if now - self.swept >= SWEEP_EVERY {
            self.swept = now;
            let dead: Vec<Uuid> = self
                .sessions
                .iter()
                .filter(|(_, s)| {
                    !s.rtc.is_alive() || (!s.connected && now - s.opened > CONNECT_WITHIN)
                })
                .map(|(id, _)| *id)
                .collect();
            for id in dead {
                self.end(id);
            }
        }
    }

    /// Polls session `id` until it only waits, sending what it transmits, then hands what it
    /// produced for others to them (and polls those in turn). Ends the sessions that died.
    fn drain(&mut self, id: Uuid, now: Instant) {
        let (mut pending, mut dead) = (vec![id], Vec::new());
        while let Some(id) = pending.pop() {
            let relays = self.poll(id);
            if self.sessions.get(&id).is_some_and(|s| !s.rtc.is_alive()) {
                dead.push(id);
            }
            for relay in relays {
                match relay {
                    Relay::Media(path, kind, data) => {
                        let viewers = self.audience.get(&path).map_or(&[][..], Vec::as_slice);
                        for viewer in viewers {
                            let Some(session) = self.sessions.get_mut(viewer) else {
                                continue;
                            };
                            if !session.connected {
                                continue;
                            }
                            if forward(session, kind, &data) {
                                pending.push(*viewer);
                            } else if !session.rtc.is_alive() {
                                tracing::debug!(%viewer, "viewer dropped while forwarding");
                                dead.push(*viewer);
                            }
                        }
                    }
                    Relay::Keyframe(path) => {
                        if let Some(publisher) = self.publishers.get(&path).copied() {
                            if self.ask_keyframe(publisher, now) {
                                pending.push(publisher);
                            }
                        }
                    }
                }
            }
        }
        for id in dead {
            self.end(id);
        }
    }

    fn poll(&mut self, id: Uuid) -> Vec<Relay> {
        let mut relays = Vec::new();
        let Some(session) = self.sessions.get_mut(&id) else {
            return relays;
        };
        while session.rtc.is_alive() {
            let output = match session.rtc.poll_output() {
                Ok(output) => output,
                Err(e) => {
                    tracing::debug!(%id, "media session dropped: {e}");
                    session.rtc.disconnect();
                    break;
                }
            };
            match output {
                Output::Timeout(at) => {
                    if session.wake != Some(at) {
                        session.wake = Some(at);
                        self.timers.push(Reverse((at, id)));
                    }
                    break;
                }
                Output::Transmit(t) => match self.socket.try_send_to(&t.contents, t.destination) {
                    Ok(n) => stats::sent(n),
                    // A full socket buffer drops this packet, as the network would.
                    Err(_) => stats::dropped(),
                },
                Output::Event(event) => match event {
                    Event::Connected => {
                        session.connected = true;
                        if !session.publisher {
                            relays.push(Relay::Keyframe(session.path));
                        }
                    }
                    Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                        session.rtc.disconnect();
                    }
                    Event::MediaAdded(added) => session.mids.push((added.mid, added.kind)),
                    Event::MediaData(data) if session.publisher => {
                        if let Some(kind) = session.kind_of(data.mid) {
                            if !data.contiguous && kind == MediaKind::Video {
                                relays.push(Relay::Keyframe(session.path));
                            }
                            relays.push(Relay::Media(session.path, kind, Box::new(data)));
                        }
                    }
                    Event::KeyframeRequest(_) if !session.publisher => {
                        relays.push(Relay::Keyframe(session.path));
                    }
                    Event::PeerStats(peer) => stats::peer(session.publisher, &peer),
                    _ => {}
                },
            }
        }
        relays
    }

    /// Asks publisher `id` for a keyframe unless it was asked very recently; whether it was.
    fn ask_keyframe(&mut self, id: Uuid, now: Instant) -> bool {
        let Some(session) = self.sessions.get_mut(&id) else {
            return false;
        };
        if session
            .keyframe_asked
            .is_some_and(|at| now - at < KEYFRAME_INTERVAL)
        {
            return false;
        }
        let Some(mid) = session.mid_of(MediaKind::Video) else {
            return false;
        };
        let Some(mut writer) = session.rtc.writer(mid) else {
            return false;
        };
        // A publisher that cannot take PLI (some encoders) sends keyframes on its own schedule.
        if writer
            .request_keyframe(None, KeyframeRequestKind::Pli)
            .is_err()
        {
            return false;
        }
        session.keyframe_asked = Some(now);
        true
    }
}

/// Writes a publisher's frame to viewer `session`'s line of the same kind; whether it wrote.
fn forward(session: &mut Session, kind: MediaKind, data: &MediaData) -> bool {
    let Some(mid) = session.mid_of(kind) else {
        return false;
    };
    let Some(writer) = session.rtc.writer(mid) else {
        return false;
    };
    // The viewer's payload type for the publisher's codec; a viewer that cannot decode it
    // (it offered no such codec) gets nothing on this line.
    let Some(pt) = writer.match_params(data.params) else {
        return false;
    };
    if let Err(e) = writer.write(pt, data.network_time, data.time, data.data.clone()) {
        // A viewer that cannot keep up is cut off; the others do not wait for it.
        tracing::debug!("viewer dropped: {e}");
        session.rtc.disconnect();
        return false;
    }
    true
}
