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
}

impl Notice {
    /// Where the notification leads.
    pub fn link(&self) -> String {
        match self {
            Self::NewFollower { handle, .. } => format!("/@{handle}"),
            Self::PayoutPaid { .. } | Self::PayoutFailed { .. } => "/earnings".to_owned(),
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
