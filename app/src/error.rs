//! `AppError`: the one error that crosses the server-function boundary.
//!
//! Every variant is something a page can act on. Field problems are typed so the page can
//! translate them and show them next to the input that caused them.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Why a field was refused. The page turns each one into a sentence in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    TooShort {
        min: u32,
    },
    TooLong {
        max: u32,
    },
    InvalidEmail,
    InvalidHandle,
    InvalidSlug,
    InvalidNumber,
    InvalidUrl,
    InvalidAmount,
    AmountTooSmall {
        min_minor: i64,
    },
    AmountTooLarge {
        max_minor: i64,
    },
    InsufficientFunds,
    InvalidIban,
    InvalidDate,
    /// An end date before the start date.
    DatesReversed,
    /// A range whose maximum is below its minimum.
    RangeReversed,
    InvalidPercentage,
    PercentageTooHigh {
        max_bp: u32,
    },
    /// A stock that is not a whole number from zero up.
    InvalidStock,
    /// The same value twice where each must differ.
    Duplicate,
    TooMany {
        max: u32,
    },
    /// More than what is left.
    NotEnoughStock {
        left: i64,
    },
    SoldOut,
    /// Prices changed since the page was shown: nothing was charged.
    PriceChanged,
    /// A date before today where only the future makes sense.
    InPast,
    /// A cancellation cut-off that would already be past: fans could never cancel.
    CutoffPassed,
    /// A wall-clock time the reader's zone skips (the clocks jump forward over it).
    SkippedTime,
    /// A campaign that asks for nothing.
    NoDeliverable,
    /// A rating outside one to five stars.
    NoStars,
    WeakPassword,
    PasswordsDiffer,
    EmailTaken,
    HandleTaken,
    SlugTaken,
    WrongCredentials,
    WrongPassword,
    TooLarge {
        max_kib: u32,
    },
    NotAnImage,
    /// A picture with more pixels (or a longer side) than the site decodes.
    TooManyPixels {
        max_megapixels: u32,
    },
    LinkExpired,
    Malformed,
    /// A word the host blocked in their room.
    BlockedWord,
    /// Too soon after the last message (slow mode or the rate limit).
    SlowMode {
        wait_secs: u32,
    },
    /// Timed out until then, or banned (`None`) from the host's rooms.
    Muted {
        until: Option<i64>,
    },
    /// Not something this page offers (a gift the host switched off, say).
    NotOffered,
    /// The seller's own product: buying it would turn a card payment into their earnings.
    OwnProduct,
    /// Password attempts on this account from many places: only an emailed link opens it now.
    AccountBusy,
    /// Money and mail wait until the owner proved the account's address is theirs.
    EmailUnconfirmed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("you need to log in")]
    Unauthenticated,
    #[error("you may not do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("{field}: {problem:?}")]
    Invalid { field: String, problem: Problem },
    #[error("too many attempts, retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("payment failed: {0}")]
    Payment(String),
    /// The cause is logged on the server under `request_id`; the user only sees the id.
    #[error("internal error (request {request_id})")]
    Internal { request_id: String },
}

impl AppError {
    pub fn invalid(field: &str, problem: Problem) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            problem,
        }
    }

    /// The HTTP status that tells clients (and logs and metrics) what kind of failure this is.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Self::Unauthenticated => S::UNAUTHORIZED,
            Self::Forbidden => S::FORBIDDEN,
            Self::NotFound => S::NOT_FOUND,
            Self::Conflict(_) => S::CONFLICT,
            Self::Invalid {
                problem: Problem::TooLarge { .. },
                ..
            } => S::PAYLOAD_TOO_LARGE,
            Self::Invalid { .. } => S::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => S::TOO_MANY_REQUESTS,
            Self::Payment(_) => S::PAYMENT_REQUIRED,
            Self::Internal { .. } => S::INTERNAL_SERVER_ERROR,
        }
    }

    /// The answer of a plain HTTP endpoint (not a server function) failing with this error:
    /// its status, the error as JSON, and `Retry-After` when it is a rate limit.
    #[cfg(feature = "ssr")]
    pub fn into_json_response(self) -> axum::response::Response {
        use axum::response::IntoResponse;
        let mut response = (self.status(), axum::Json(&self)).into_response();
        if let Self::RateLimited { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, retry_after_secs.into());
        }
        response
    }

    /// The problem with `field`, if this error is about that field.
    pub fn problem_for(&self, field: &str) -> Option<Problem> {
        match self {
            Self::Invalid { field: f, problem } if f == field => Some(*problem),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request itself did not parse: a tampered or truncated form.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => Self::invalid("form", Problem::Malformed),
            other => Self::Internal {
                request_id: other.to_string(),
            },
        }
    }
}
