//! Live video: the host's camera (or encoder) and, during a paid slot, the fan on stage, sent
//! to a media server over WHIP and played by every viewer over WHEP. Each event has two
//! streams, one per [`Seat`]; whichever media server carries them, its URLs have the shape
//! `{base}/{event}/{seat}/whip|whep`.

pub mod api;
mod client;
#[cfg(feature = "ssr")]
pub mod store;
pub mod view;

use serde::{Deserialize, Serialize};

crate::live::types::stored_enum! {
    /// One of the two places on an event's stage, each its own stream.
    Seat {
        /// The creator hosting the event.
        Host = "host",
        /// The fan whose stage slot is running.
        Guest = "guest",
    }
}

/// A camera or microphone the browser offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub label: String,
    /// A camera; otherwise a microphone.
    pub video: bool,
}

/// Where a stream's connection stands, as its overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Off,
    Connecting,
    /// Not on air yet: asking again shortly.
    Waiting,
    Live,
    Reconnecting,
    /// Turned away for good, with the server's reason.
    Refused(String),
}

/// Where the browser reaches the media server: the built-in one under this site, or an
/// external one (such as MediaMTX) by its public base URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// The base of the WHIP/WHEP URLs, without a trailing slash.
    pub base: String,
    pub ice_servers: IceServers,
}

/// The STUN/TURN servers browsers may use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServers {
    /// `stun:…`, `turn:…` or `turns:…` URLs.
    pub urls: Vec<String>,
    /// The username and credential of the TURN servers, which browsers refuse without them.
    pub turn_login: Option<(String, String)>,
}

impl Endpoints {
    /// The WHIP (`publish`) or WHEP URL of `event`'s stream for `seat`.
    pub fn url(&self, event: i64, seat: Seat, publish: bool) -> String {
        let verb = if publish { "whip" } else { "whep" };
        format!("{}/{event}/{}/{verb}", self.base, seat.as_str())
    }
}

/// The stream named by the two path segments `{event}/{seat}` of its URLs.
pub fn stream(event: &str, seat: &str) -> Option<(i64, Seat)> {
    Some((event.parse().ok()?, Seat::parse(seat)?))
}

/// The built-in media server's base path on this site.
pub const EMBEDDED_BASE: &str = "/stream";

/// What the live code asks of the media server carrying the video. The built-in one ends the
/// session at once; an external one refuses the token from then on.
#[cfg(feature = "ssr")]
pub trait MediaServer: Send + Sync {
    /// Where browsers reach it.
    fn endpoints(&self) -> Endpoints;
    /// Ends whatever is published to `event`'s `seat` (a slot ended, a key was replaced).
    fn end_stream(&self, event: i64, seat: Seat);
    /// For the server to reach its own implementation's routes.
    fn as_any(&self) -> &dyn std::any::Any;
}
