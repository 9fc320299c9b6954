//! What the wallet pages show.

use serde::{Deserialize, Serialize};

use crate::ledger::types::{Balance, Money, Movement};

/// A card payment's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Sent to the processor, not yet confirmed.
    Created,
    Succeeded,
    Failed,
}

impl PaymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Created, Self::Succeeded, Self::Failed]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wallet {
    pub balance: Balance,
    pub history: Vec<Movement>,
    /// The latest card payments that did not go through, so the page can say so.
    pub failed: Vec<Receipt>,
}

/// A card payment, with where its money went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: String,
    pub state: PaymentState,
    /// Charged to the card.
    pub gross: Money,
    /// Kept by the payment processor; unknown until it confirms.
    pub processor_fee: Option<Money>,
    /// Tremplin's fee: always zero.
    pub platform_fee: Money,
    /// What reached the wallet.
    pub received: Option<Money>,
    pub failure: Option<String>,
    pub created_at: i64,
    pub completed_at: Option<i64>,
}
