//! The live room as it crosses the wire: its messages, the frames the WebSocket sends, the
//! gifts on offer and the host's rules.

use serde::{Deserialize, Serialize};

use crate::ledger::types::Money;
use crate::live::types::stored_enum;

stored_enum! {
    /// What a room message is.
    MessageKind {
        Chat = "chat",
        /// A donation, its message highlighted.
        Donation = "donation",
        /// A gift: an animation on every screen.
        Gift = "gift",
        /// Something happened on stage (`body` says what, as a [`StageChange`] word).
        Stage = "stage",
        /// The author bought `body` (a product's title) from the merch pinned to the event.
        Purchase = "purchase",
        /// A moderator took down message `target`.
        Deleted = "deleted",
        /// A moderator timed out or banned the author (`body`: "timeout", "ban" or "lift").
        Sanction = "sanction",
    }
}

stored_enum! {
    /// Stage news announced in the room; every viewer's page refreshes the stage on it.
    StageChange {
        Live = "live",
        Ended = "ended",
        Cancelled = "cancelled",
        /// `author` goes on stage.
        OnStage = "on_stage",
        /// `author`'s slot is over.
        OffStage = "off_stage",
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub handle: String,
    pub name: String,
}

/// One numbered message of an event's room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomMessage {
    /// 1, 2, 3... per event, without gaps: what a reconnecting client resumes from.
    pub seq: i64,
    pub kind: MessageKind,
    pub author: Option<Author>,
    /// The text (empty once deleted).
    pub body: String,
    pub amount: Option<Money>,
    pub gift: Option<String>,
    pub target: Option<i64>,
    pub deleted: bool,
    pub at: i64,
}

/// What the room's WebSocket sends, one JSON text frame each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Frame {
    Message(RoomMessage),
    /// How many people watch, across every instance.
    Viewers {
        n: u64,
    },
    /// The queue or the stage changed without news for the chat (a booking, a call, a
    /// skip...): pages read the event again.
    Refresh,
}

/// A gift of the catalogue, with the price the host set for this event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftOffer {
    pub code: String,
    /// The CSS animation it plays.
    pub animation: String,
    pub price: Money,
    /// Whether the host offers it (the studio also lists those switched off).
    pub on: bool,
}

/// What the room's page needs besides the messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub event_id: i64,
    pub host_name: String,
    pub gifts: Vec<GiftOffer>,
    pub donation_min: Money,
    pub donation_message_max: u32,
    /// Whether the viewer may delete messages and time out or ban people.
    pub moderating: bool,
    /// Whether the viewer is the host (who also sets the rules).
    pub hosting: bool,
    /// Whether the room takes messages: the event is scheduled or live.
    pub open: bool,
    /// Set when the viewer may not write.
    pub muted: Option<Mute>,
    pub rules: RoomRules,
    /// The last messages, so the page reads whole before the socket connects (or without
    /// JavaScript); the socket then resumes after the last of them.
    pub backlog: Vec<RoomMessage>,
    /// A fresh one-time key for this page's paid forms (each send adds a counter to it).
    pub key: String,
}

/// Why a viewer may not write: timed out until then, or banned (`until` is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mute {
    pub until: Option<i64>,
}

/// The host's rules for the room.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomRules {
    /// Seconds between two messages of one person (0: off); host and moderators are exempt.
    pub slow_mode_secs: u32,
    pub blocked_words: Vec<String>,
    /// Handles of the people the host named moderators.
    pub moderators: Vec<String>,
}

/// What a gift or a donation cost, and who got what: the platform takes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub paid: Money,
    pub platform_fee: Money,
    pub host_receives: Money,
    pub host_name: String,
}

/// What a moderator does to a person in the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sanction {
    /// Ten minutes without writing.
    Timeout,
    Ban,
    /// Lifts a timeout or a ban.
    Lift,
}
