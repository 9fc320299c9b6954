//! Fan-out of room frames to every viewer connected to this instance, and between instances.
//!
//! Each event with viewers here has a broadcast channel. A message is stored first (it gets
//! its sequence number in its transaction), then delivered: on SQLite straight into the
//! channel; on PostgreSQL through `NOTIFY` in that same transaction, which every instance
//! (this one too) hears on its listener and puts into its own channels. Viewer counts travel
//! the same way, every two seconds, and are summed over the instances still heard from.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::ws::Utf8Bytes;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::types::{Frame, RoomMessage};
use crate::ssr::db::{Backend, Db};

/// The channel `NOTIFY` carries messages on (stored first, so never lost).
pub const MESSAGES: &str = "tremplin_room";
const PRESENCE: &str = "tremplin_presence";
/// Frames a slow viewer may fall behind before it catches up from the database instead.
const CHANNEL: usize = 1_024;
const PRESENCE_EVERY: Duration = Duration::from_secs(2);
/// An instance not heard from for this long no longer counts its viewers.
const PRESENCE_STALE: Duration = Duration::from_secs(7);

/// A frame ready to go out: serialised once for all viewers.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// Set for numbered messages, which viewers must get in order and once.
    pub seq: Option<i64>,
    pub text: Utf8Bytes,
}

impl Delivery {
    pub fn of(frame: &Frame) -> Self {
        let seq = match frame {
            Frame::Message(m) => Some(m.seq),
            Frame::Viewers { .. } | Frame::Refresh => None,
        };
        let text = serde_json::to_string(frame).unwrap_or_default();
        Self {
            seq,
            text: text.into(),
        }
    }
}

/// A `NOTIFY` payload on [`MESSAGES`].
#[derive(Serialize, Deserialize)]
pub struct Notice {
    pub event: i64,
    pub frame: Frame,
}

/// How many watch here, for the other instances: one room's count per pair, spread over as
/// many notices as it takes (each room's count is kept on its own, so parts can arrive alone).
#[derive(Serialize, Deserialize)]
struct Presence {
    instance: String,
    viewers: Vec<(i64, u64)>,
}

/// The largest presence notice; PostgreSQL refuses a `NOTIFY` payload of 8,000 bytes or more.
const PRESENCE_MAX_BYTES: usize = 7_000;

/// `viewers` as presence notices of at most [`PRESENCE_MAX_BYTES`] each.
fn presence_payloads(instance: &str, viewers: Vec<(i64, u64)>) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut part = Presence {
        instance: instance.to_owned(),
        viewers: Vec::new(),
    };
    // The notice without rooms, plus each room's `[event,count],`.
    let empty = serde_json::to_string(&part).map_or(0, |s| s.len());
    let mut size = empty;
    for (event, n) in viewers {
        let entry = format!("[{event},{n}],").len();
        if size + entry > PRESENCE_MAX_BYTES && !part.viewers.is_empty() {
            payloads.push(serde_json::to_string(&part).unwrap_or_default());
            part.viewers.clear();
            size = empty;
        }
        part.viewers.push((event, n));
        size += entry;
    }
    payloads.push(serde_json::to_string(&part).unwrap_or_default());
    payloads
}

struct Channel {
    sender: broadcast::Sender<Delivery>,
    viewers: u64,
    /// The viewer count last sent to this instance's viewers.
    shown: u64,
}

#[derive(Default)]
struct Rooms {
    channels: HashMap<i64, Channel>,
    /// What the other instances said last of each room, and when.
    elsewhere: HashMap<i64, HashMap<String, (u64, Instant)>>,
    /// Sockets open on this instance per client address.
    addresses: HashMap<IpAddr, u32>,
}

/// The room fan-out of this instance; clones share it.
#[derive(Clone)]
pub struct Hub {
    rooms: Arc<Mutex<Rooms>>,
    backend: Backend,
    instance: Arc<str>,
    /// Sockets one client address may hold open at once.
    per_address: u32,
}

/// One of an address's open sockets, given back when dropped.
pub struct Admission {
    hub: Hub,
    ip: IpAddr,
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut rooms = self.hub.lock();
        if let Some(open) = rooms.addresses.get_mut(&self.ip) {
            *open -= 1;
            if *open == 0 {
                rooms.addresses.remove(&self.ip);
            }
        }
    }
}

/// A viewer's place in a room: its frames, until it is dropped.
pub struct Subscription {
    pub frames: broadcast::Receiver<Delivery>,
    hub: Hub,
    event: i64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut rooms = self.hub.lock();
        if let Some(channel) = rooms.channels.get_mut(&self.event) {
            channel.viewers = channel.viewers.saturating_sub(1);
            if channel.viewers == 0 {
                rooms.channels.remove(&self.event);
            }
        }
    }
}

impl Hub {
    /// Starts the hub's background work: the viewer counts and, on PostgreSQL, the listener
    /// that hears the other instances (`database_url` opens its own connection). One client
    /// address may hold `per_address` sockets at once.
    pub fn start(db: &Db, database_url: &str, per_address: u32) -> Self {
        let hub = Self {
            rooms: Arc::default(),
            backend: db.backend,
            instance: uuid::Uuid::new_v4().to_string().into(),
            per_address,
        };
        if db.backend == Backend::Postgres {
            tokio::spawn(hub.clone().listen(database_url.to_owned()));
        }
        tokio::spawn(hub.clone().count_viewers(db.clone()));
        hub
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Rooms> {
        // A panic while holding the lock leaves the counts as they were: still usable.
        self.rooms.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lets `ip` open one more socket, unless it holds as many as an address may.
    pub fn admit(&self, ip: IpAddr) -> Option<Admission> {
        let mut rooms = self.lock();
        let open = rooms.addresses.entry(ip).or_default();
        if *open >= self.per_address {
            return None;
        }
        *open += 1;
        Some(Admission {
            hub: self.clone(),
            ip,
        })
    }

    /// Joins the room of `event`.
    pub fn subscribe(&self, event: i64) -> Subscription {
        let mut rooms = self.lock();
        let channel = rooms.channels.entry(event).or_insert_with(|| Channel {
            sender: broadcast::channel(CHANNEL).0,
            viewers: 0,
            shown: 0,
        });
        channel.viewers += 1;
        Subscription {
            frames: channel.sender.subscribe(),
            hub: self.clone(),
            event,
        }
    }

    /// Delivers a message stored in `event`'s room. On PostgreSQL its transaction already
    /// notified every instance, this one included.
    pub fn sent(&self, event: i64, message: &RoomMessage) {
        if self.backend == Backend::Sqlite {
            self.deliver(event, &Frame::Message(message.clone()));
        }
    }

    /// Tells every viewer of `event`, on every instance, to read the event again.
    pub async fn refresh(&self, db: &Db, event: i64) {
        match self.backend {
            Backend::Sqlite => self.deliver(event, &Frame::Refresh),
            Backend::Postgres => {
                let notice = Notice {
                    event,
                    frame: Frame::Refresh,
                };
                let payload = serde_json::to_string(&notice).unwrap_or_default();
                if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(MESSAGES)
                    .bind(payload)
                    .execute(&db.pool)
                    .await
                {
                    tracing::warn!(event, "room refresh not sent: {e}");
                }
            }
        }
    }

    fn deliver(&self, event: i64, frame: &Frame) {
        let rooms = self.lock();
        if let Some(channel) = rooms.channels.get(&event) {
            // No receiver left is fine: nobody watches.
            let _ = channel.sender.send(Delivery::of(frame));
        }
    }

    /// How many watch `event` here and, as last heard, on the other instances.
    pub fn viewers(&self, event: i64) -> u64 {
        let rooms = self.lock();
        Self::total(&rooms, event)
    }

    fn total(rooms: &Rooms, event: i64) -> u64 {
        let here = rooms.channels.get(&event).map_or(0, |c| c.viewers);
        let elsewhere: u64 = rooms.elsewhere.get(&event).map_or(0, |instances| {
            instances
                .values()
                .filter(|(_, at)| at.elapsed() < PRESENCE_STALE)
                .map(|(n, _)| n)
                .sum()
        });
        here + elsewhere
    }

    /// Sends each room its viewer count when it changed; on PostgreSQL first tells the other
    /// instances how many watch here.
    async fn count_viewers(self, db: Db) {
        let mut tick = tokio::time::interval(PRESENCE_EVERY);
        loop {
            tick.tick().await;
            if self.backend == Backend::Postgres {
                let viewers: Vec<(i64, u64)> = {
                    let mut rooms = self.lock();
                    for instances in rooms.elsewhere.values_mut() {
                        instances.retain(|_, (_, at)| at.elapsed() < PRESENCE_STALE);
                    }
                    rooms.elsewhere.retain(|_, instances| !instances.is_empty());
                    rooms
                        .channels
                        .iter()
                        .map(|(event, c)| (*event, c.viewers))
                        .collect()
                };
                for payload in presence_payloads(&self.instance, viewers) {
                    if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(PRESENCE)
                        .bind(payload)
                        .execute(&db.pool)
                        .await
                    {
                        tracing::warn!("room presence not sent: {e}");
                    }
                }
            }
            let changed: Vec<(i64, u64)> = {
                let mut rooms = self.lock();
                let events: Vec<i64> = rooms.channels.keys().copied().collect();
                let mut changed = Vec::new();
                for event in events {
                    let n = Self::total(&rooms, event);
                    if let Some(channel) = rooms.channels.get_mut(&event) {
                        if channel.shown != n {
                            channel.shown = n;
                            changed.push((event, n));
                        }
                    }
                }
                changed
            };
            for (event, n) in changed {
                self.deliver(event, &Frame::Viewers { n });
            }
        }
    }

    /// Hears every instance's messages and viewer counts. The listener reconnects by itself
    /// after a lost connection; viewers fill any gap from the database at the next message.
    async fn listen(self, database_url: String) {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect(&database_url).await {
                Ok(listener) => listener,
                Err(e) => {
                    tracing::error!("room listener cannot connect: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen_all([MESSAGES, PRESENCE]).await {
                tracing::error!("room listener cannot listen: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            loop {
                match listener.recv().await {
                    Ok(n) if n.channel() == MESSAGES => {
                        match serde_json::from_str::<Notice>(n.payload()) {
                            Ok(notice) => self.deliver(notice.event, &notice.frame),
                            Err(e) => tracing::error!("unreadable room notice: {e}"),
                        }
                    }
                    Ok(n) => {
                        if let Ok(p) = serde_json::from_str::<Presence>(n.payload()) {
                            if *p.instance != *self.instance {
                                let now = Instant::now();
                                let mut rooms = self.lock();
                                for (event, n) in p.viewers {
                                    rooms
                                        .elsewhere
                                        .entry(event)
                                        .or_default()
                                        .insert(p.instance.clone(), (n, now));
                                }
                            }
                        }
                    }
                    Err(e) => {
                        tracing::warn!("room listener lost its connection: {e}");
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_fits_in_notices_postgres_accepts_however_many_rooms() {
        let instance = uuid::Uuid::new_v4().to_string();
        let rooms: Vec<(i64, u64)> = (0..5_000).map(|i| (1_000_000_000 + i, 123_456)).collect();
        let payloads = presence_payloads(&instance, rooms.clone());
        assert!(payloads.len() > 1);
        let mut seen = Vec::new();
        for payload in &payloads {
            assert!(payload.len() <= PRESENCE_MAX_BYTES, "{}", payload.len());
            let p: Presence = serde_json::from_str(payload).unwrap();
            assert_eq!(p.instance, instance);
            seen.extend(p.viewers);
        }
        assert_eq!(seen, rooms);
        assert_eq!(
            presence_payloads(&instance, Vec::new()).len(),
            1,
            "no rooms, still alive"
        );
    }
}
