//! Money and the ledger's vocabulary: currencies, accounts, transfers and their states.

use serde::{Deserialize, Serialize};

/// Currencies the ledger keeps. Every amount is an integer of the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    pub const ALL: [Currency; 1] = [Self::Eur];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eur => "EUR",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Minor units in one major unit (100 cents in a euro).
    pub fn minor_per_major(self) -> i64 {
        match self {
            Self::Eur => 100,
        }
    }
}

/// An amount of money: integer minor units with their currency. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn eur(minor: i64) -> Self {
        Self::new(minor, Currency::Eur)
    }
}

/// What a ledger account is for. User accounts belong to one person; the others to the
/// platform, and mirror money that is outside Tremplin's control or on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Money a person can spend on Tremplin.
    Wallet,
    /// Money a creator (or seller) earned and can pay out.
    Earnings,
    /// Money set aside for a deal until it completes.
    Escrow,
    /// The payment processor's side of card payments and payouts: negative while the
    /// processor owes us less than users put in, so it is the one account allowed below zero.
    ProcessorClearing,
    /// Fees kept by the processor.
    ProcessorFees,
    /// Payouts requested and not yet confirmed by the processor.
    PayoutsInFlight,
    /// What the operators paid out themselves by bank transfer, outside the processor: money
    /// that left Tremplin, kept apart so the processor's account reconciles with its reports.
    BankTransfers,
}

impl AccountKind {
    pub const ALL: [AccountKind; 7] = [
        Self::Wallet,
        Self::Earnings,
        Self::Escrow,
        Self::ProcessorClearing,
        Self::ProcessorFees,
        Self::PayoutsInFlight,
        Self::BankTransfers,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wallet => "wallet",
            Self::Earnings => "earnings",
            Self::Escrow => "escrow",
            Self::ProcessorClearing => "processor_clearing",
            Self::ProcessorFees => "processor_fees",
            Self::PayoutsInFlight => "payouts_in_flight",
            Self::BankTransfers => "bank_transfers",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether accounts of this kind belong to a user (rather than to the platform).
    pub fn is_personal(self) -> bool {
        matches!(self, Self::Wallet | Self::Earnings)
    }

    /// Only the mirror of the outside world may be negative; every other account is
    /// money someone holds, which cannot be less than nothing.
    pub fn may_go_negative(self) -> bool {
        self == Self::ProcessorClearing
    }
}

/// Names one ledger account; the store creates it on first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountRef {
    pub kind: AccountKind,
    /// The owner of a personal account; `None` for platform accounts.
    pub user_id: Option<i64>,
    pub currency: Currency,
}

impl AccountRef {
    pub fn wallet(user_id: i64, currency: Currency) -> Self {
        Self {
            kind: AccountKind::Wallet,
            user_id: Some(user_id),
            currency,
        }
    }

    pub fn earnings(user_id: i64, currency: Currency) -> Self {
        Self {
            kind: AccountKind::Earnings,
            user_id: Some(user_id),
            currency,
        }
    }

    /// A platform account (escrow, processor clearing...).
    pub fn platform(kind: AccountKind, currency: Currency) -> Self {
        Self {
            kind,
            user_id: None,
            currency,
        }
    }
}

/// Why money moved. Statements and receipts group transfers by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferKind {
    TopUp,
    ProcessorFee,
    Refund,
    Payout,
    PayoutReturned,
    Purchase,
    Escrow,
    Commission,
    Clawback,
    Gift,
    Donation,
    StageSlot,
}

impl TransferKind {
    pub const ALL: [TransferKind; 12] = [
        Self::TopUp,
        Self::ProcessorFee,
        Self::Refund,
        Self::Payout,
        Self::PayoutReturned,
        Self::Purchase,
        Self::Escrow,
        Self::Commission,
        Self::Clawback,
        Self::Gift,
        Self::Donation,
        Self::StageSlot,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TopUp => "top_up",
            Self::ProcessorFee => "processor_fee",
            Self::Refund => "refund",
            Self::Payout => "payout",
            Self::PayoutReturned => "payout_returned",
            Self::Purchase => "purchase",
            Self::Escrow => "escrow",
            Self::Commission => "commission",
            Self::Clawback => "clawback",
            Self::Gift => "gift",
            Self::Donation => "donation",
            Self::StageSlot => "stage_slot",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A transfer is pending (its amount held on the debit account), posted (moved), or voided
/// (released, nothing moved). Posted and voided are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    Pending,
    Posted,
    Voided,
}

impl TransferState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Posted => "posted",
            Self::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Posted, Self::Voided]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A request to move money (or, with `hold`, to reserve it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransfer {
    /// Derived from the cause (`"order:12:pay"`): a retry with the same key moves nothing more.
    pub key: String,
    pub debit: AccountRef,
    pub credit: AccountRef,
    pub amount: Money,
    pub kind: TransferKind,
    /// What caused it, such as `"order:12"`.
    pub cause: String,
    pub hold: Option<Hold>,
}

/// Makes a transfer pending: the amount is reserved until it is posted or voided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    /// After this time (Unix seconds) a worker voids the hold.
    pub expires_at: Option<i64>,
}

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub id: i64,
    pub key: String,
    pub debit_account: i64,
    pub credit_account: i64,
    pub amount: Money,
    pub kind: TransferKind,
    pub cause: String,
    pub state: TransferState,
    /// What was moved, once posted (the amount, or less for a partly posted hold).
    pub posted_amount: Option<i64>,
    pub expires_at: Option<i64>,
    pub created_at: i64,
}

/// A ledger account's balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// What the account holds.
    pub posted: i64,
    /// The part of `posted` reserved by pending transfers.
    pub held: i64,
    pub currency: Currency,
}

impl Balance {
    /// What can be spent now.
    pub fn available(&self) -> i64 {
        self.posted - self.held
    }
}

/// One transfer as the owner of an account sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub at: i64,
    pub kind: TransferKind,
    /// Positive when money came in, negative when it went out.
    pub amount: Money,
    pub state: TransferState,
    pub cause: String,
    /// When a hold was captured or voided.
    pub resolved_at: Option<i64>,
}

/// Which movements of an account to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovementFilter {
    pub kind: Option<TransferKind>,
    /// From this time (Unix seconds, included)...
    pub from: Option<i64>,
    /// ...until this one (excluded).
    pub until: Option<i64>,
}

/// Why the ledger refused a movement. Nothing moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("account {account} cannot cover this amount")]
    InsufficientFunds { account: i64 },
    #[error("the amount must be positive and at most {max} minor units")]
    InvalidAmount { max: i64 },
    #[error("the two accounts and the amount must share one currency")]
    CurrencyMismatch,
    #[error("a transfer needs two different accounts")]
    SameAccount,
    #[error("platform accounts have no owner, personal ones need one")]
    BadOwner,
    #[error("idempotency key {key:?} was already used for another transfer")]
    KeyReused { key: String },
    #[error("transfer {id} is {state:?}, not pending")]
    NotPending { id: i64, state: TransferState },
    #[error("cannot post {requested} of a {held} hold")]
    PostExceedsHold { requested: i64, held: i64 },
    #[error("no transfer {id}")]
    UnknownTransfer { id: i64 },
    #[error("database: {0}")]
    Database(String),
}
