//! Live events as they cross the wire: the event, what the host offers during it, and the
//! stage slots fans book.

use serde::{Deserialize, Serialize};

use crate::ledger::types::Money;

/// Defines a stored state enum with its column spelling, kept in one table.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}
pub(crate) use stored_enum;

stored_enum! {
    /// An event is scheduled, then live, then ended; or cancelled before it starts.
    EventState {
        Scheduled = "scheduled",
        Live = "live",
        Ended = "ended",
        Cancelled = "cancelled",
    }
}

stored_enum! {
    /// What a fan's time on stage is for, as the host offers it.
    StagePurpose {
        Questions = "questions",
        Chat = "chat",
        Selfie = "selfie",
    }
}

stored_enum! {
    /// A booked stage slot. Its money is a hold on the fan's wallet from booking; `Done`
    /// captures it, every other end voids it (the automatic refund).
    SlotState {
        /// Booked, waiting in the queue.
        Queued = "queued",
        /// Called by the host: the fan checks their camera and says they are ready.
        Backstage = "backstage",
        /// The fan said they are ready; the host can bring them on.
        Ready = "ready",
        /// On air, next to the host, with a timer every viewer sees.
        OnStage = "on_stage",
        /// The slot happened: the hold is captured.
        Done = "done",
        /// The host passed over the fan: refunded.
        Skipped = "skipped",
        /// Called backstage, the fan did not answer in time: refunded.
        NoShow = "no_show",
        /// The fan cancelled before the cut-off: refunded.
        Cancelled = "cancelled",
        /// The event ended (or was cancelled) before the slot's turn: refunded.
        Unplayed = "unplayed",
    }
}

impl SlotState {
    /// Whether the fan was called and their slot is not over: from backstage to the end of their
    /// time on stage, when their camera is wanted.
    pub fn is_called(self) -> bool {
        matches!(self, Self::Backstage | Self::Ready | Self::OnStage)
    }

    /// Whether the slot still waits for its outcome (its hold is pending).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Queued | Self::Backstage | Self::Ready | Self::OnStage
        )
    }
}

/// What can happen to a stage slot, and who does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotStep {
    /// Host: call the fan backstage.
    Call,
    /// Fan: ready to go on.
    Ready,
    /// Host: bring the ready fan on stage; the timer starts.
    OnStage,
    /// Host: one more free minute on stage.
    Extend,
    /// Host: end the slot before its time; the fan pays for the time they had.
    Finish,
    /// Host: pass over the fan, who is refunded.
    Skip,
    /// Fan: cancel the booking before the cut-off.
    Cancel,
    /// The clock: the slot's time on stage is over.
    TimeUp,
    /// The clock: called backstage, the fan did not answer in time.
    NoShow,
    /// The event ended or was cancelled.
    EventOver,
}

/// What a host does to their event as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStep {
    Start,
    /// Ends a live event: the slot on stage is done, the others are refunded.
    End,
    /// Cancels a scheduled event: every slot is refunded.
    Cancel,
}

/// What a host offers during an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offers {
    /// The smallest donation.
    pub donation_min: Money,
    /// The longest message a donation carries, in characters.
    pub donation_message_max: u32,
    /// Stage slots for sale (0: none).
    pub slot_count: u32,
    pub slot_secs: u32,
    pub slot_price: Money,
    pub slot_purpose: StagePurpose,
    /// How many slots one fan may hold at once.
    pub slots_per_fan: u32,
    /// Fans may cancel until this long before the start.
    pub cancel_cutoff_secs: u32,
    /// How long a fan called backstage has to say they are ready.
    pub no_show_secs: u32,
}

/// An event as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub host_id: i64,
    pub host_handle: String,
    pub host_name: String,
    pub title: String,
    pub description: String,
    pub starts_at: i64,
    pub planned_secs: u32,
    pub state: EventState,
    pub offers: Offers,
    /// Slots booked and not cancelled, skipped or refunded.
    pub slots_taken: u32,
    /// The viewer's own slots here, if they have any.
    pub my_slots: Vec<MySlot>,
    /// Whether the viewer is the host.
    pub hosting: bool,
    /// Whether the viewer asked to be told when it goes live.
    pub reminding: bool,
    pub cover_url: Option<String>,
    /// Products from the host's shop pinned to the event, in the order they were pinned.
    pub merch: Vec<crate::storefront::types::Product>,
    /// The fan on stage now, by name.
    pub guest: Option<String>,
    /// The server's time when it was read, where the page's countdowns start.
    pub now: i64,
}

impl Event {
    pub fn slots_left(&self) -> u32 {
        self.offers.slot_count.saturating_sub(self.slots_taken)
    }
}

/// One of the viewer's own stage slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySlot {
    pub id: i64,
    pub state: SlotState,
    /// Their place among the slots still to come (1: next), while queued.
    pub place: Option<u32>,
    pub price: Money,
    /// Until when they may still cancel.
    pub cancel_until: i64,
}

/// A stage slot as the host's studio shows it, in queue order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedSlot {
    pub id: i64,
    pub fan_handle: String,
    pub fan_name: String,
    pub state: SlotState,
    pub price: Money,
    pub secs: u32,
    pub booked_at: i64,
    /// While on stage: when the timer ends.
    pub ends_at: Option<i64>,
    /// While backstage: when the fan counts as not showing up.
    pub answer_by: Option<i64>,
    /// Once settled: what was charged (0 when refunded).
    pub charged: Option<Money>,
}

/// An event as listed on the home page and a creator's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub id: i64,
    pub host_handle: String,
    pub host_name: String,
    pub title: String,
    pub starts_at: i64,
    pub state: EventState,
    pub slots_left: u32,
    pub slot_price: Money,
    pub cover_url: Option<String>,
}

/// The host's studio: the event, its queue and its running totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Studio {
    pub event: Event,
    pub queue: Vec<QueuedSlot>,
    /// Captured from stage slots so far.
    pub slots_earned: Money,
    /// Held on fans' wallets for slots still to come.
    pub slots_held: Money,
    pub gifts: Money,
    pub donations: Money,
    /// Merch bought from the event page.
    pub merch: super::merch::MerchSales,
}
