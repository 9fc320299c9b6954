use serde::{Deserialize, Serialize};

use crate::ledger::types::Money;

/// What happened, with what the text needs; stored as JSON so new kinds need no migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    NewFollower {
        handle: String,
        display_name: String,
    },
    PayoutPaid {
        amount: Money,
    },
    PayoutFailed {
        amount: Money,
        reason: String,
    },
    /// Something happened on a deal; `from` names who did it.
    Deal {
        id: i64,
        from: String,
        news: DealNews,
    },
    /// Something happened on an order (`id`: its public id); `amount` is what it is about.
    Order {
        id: String,
        news: OrderNews,
        amount: Money,
    },
    /// Something happened to a fan's stage slot at a live event; `amount` is what was charged
    /// or given back.
    Stage {
        event: i64,
        title: String,
        news: StageNews,
        amount: Money,
    },
    /// An event the person asked to be reminded of went live.
    Live {
        event: i64,
        title: String,
        host: String,
    },
}

/// What happened to a fan's stage slot, told to the fan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageNews {
    /// The host called them backstage: they have a short time to say they are ready.
    Called,
    /// The slot happened: the amount was charged.
    Charged,
    /// The host passed over them: refunded.
    Skipped,
    /// They did not answer the call in time: refunded.
    NoShow,
    /// The event ended or was cancelled before their turn: refunded.
    Unplayed,
}

/// What happened on an order, told to whom it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderNews {
    /// To the buyer: the confirmation.
    Paid,
    /// To the seller: an order to ship.
    Sold,
    /// To the buyer.
    Shipped,
    /// To the buyer: money back in their wallet.
    Refunded,
}

/// What happened on a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealNews {
    Offer,
    Message,
    Accepted,
    Cancelled,
    Funded,
    Delivered,
    Approved,
    Revision,
    AutoReleased,
    Disputed,
    /// An operator settled the dispute: the escrow went to the creator…
    SettledRelease,
    /// …or back to the brand.
    SettledRefund,
    /// The other party rated the completed deal.
    Rated,
}

impl Notice {
    /// Whether it also goes out by email: deal and order news, which someone may be waiting on.
    pub fn mailed(&self) -> bool {
        matches!(
            self,
            Self::Deal { .. } | Self::Order { .. } | Self::Live { .. }
        )
    }

    /// Whether its mail may go to an address the owner has not confirmed: only a buyer's news
    /// of their own order, to the address they gave at checkout. Everything else waits for a
    /// confirmed address, so an account opened under someone else's cannot make us mail them.
    pub fn mailed_unconfirmed(&self) -> bool {
        matches!(
            self,
            Self::Order {
                news: OrderNews::Paid | OrderNews::Shipped | OrderNews::Refunded,
                ..
            }
        )
    }

    /// Where the notification leads.
    pub fn link(&self) -> String {
        match self {
            Self::NewFollower { handle, .. } => format!("/@{handle}"),
            Self::PayoutPaid { .. } | Self::PayoutFailed { .. } => "/earnings".to_owned(),
            Self::Deal { id, .. } => format!("/deals/{id}"),
            Self::Order { id, .. } => format!("/orders/{id}"),
            Self::Stage { event, .. } | Self::Live { event, .. } => format!("/live/{event}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub notice: Notice,
    pub at: i64,
    /// Read before this visit to the centre.
    pub read: bool,
}
