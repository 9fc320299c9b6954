//! The room's rules: how long a message may be, which words the host blocked, the gift
//! catalogue, and how long a timeout lasts.

use super::types::{MessageKind, RoomMessage};
use crate::error::{AppError, Problem};

/// The longest chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 300;
/// What a new viewer is shown of what was said before they came.
pub const BACKLOG: i64 = 50;
/// How many messages a page keeps; older ones scroll away.
pub const KEPT: usize = 200;
/// How long a timeout keeps someone from writing.
pub const TIMEOUT_SECS: i64 = 10 * 60;
/// The longest slow mode a host can set.
pub const MAX_SLOW_MODE_SECS: u32 = 10 * 60;
const MAX_BLOCKED_WORDS: usize = 200;
const MAX_BLOCKED_WORD_CHARS: usize = 40;

/// A gift of the catalogue. Names are translated (`room.gift_{code}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gift {
    pub code: &'static str,
    /// The CSS animation every screen plays (`gift-anim-{animation}`).
    pub animation: &'static str,
    /// Its price until the host sets another, in cents.
    pub default_price: i64,
}

/// What a host may ask for one gift, in cents: from 0.50 to 500.
pub const GIFT_PRICE_MIN: i64 = 50;
pub const GIFT_PRICE_MAX: i64 = 50_000;

pub const CATALOGUE: &[Gift] = &[
    Gift {
        code: "rose",
        animation: "float",
        default_price: 100,
    },
    Gift {
        code: "heart",
        animation: "pulse",
        default_price: 200,
    },
    Gift {
        code: "star",
        animation: "spin",
        default_price: 500,
    },
    Gift {
        code: "rocket",
        animation: "launch",
        default_price: 1_000,
    },
    Gift {
        code: "crown",
        animation: "rain",
        default_price: 2_500,
    },
];

pub fn gift(code: &str) -> Option<&'static Gift> {
    CATALOGUE.iter().find(|g| g.code == code)
}

/// A gift's picture: drawn (SVG), not an emoji, so that what a fan paid for looks the same on
/// every screen, with or without an emoji font.
pub fn gift_icon_url(code: &str) -> &'static str {
    match gift(code).map(|g| g.code) {
        Some("rose") => "/assets/gifts/rose.svg",
        Some("heart") => "/assets/gifts/heart.svg",
        Some("star") => "/assets/gifts/star.svg",
        Some("rocket") => "/assets/gifts/rocket.svg",
        Some("crown") => "/assets/gifts/crown.svg",
        _ => "/assets/gifts/gift.svg",
    }
}

/// A chat message as it will be shown: trimmed, on one line, within the length, and without
/// a word the host blocked.
pub fn parse_chat(text: &str, blocked: &[String]) -> Result<String, AppError> {
    let text: String = text
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.is_empty() {
        return Err(AppError::invalid("text", Problem::Required));
    }
    if text.chars().count() > MAX_CHAT_CHARS {
        return Err(AppError::invalid(
            "text",
            Problem::TooLong {
                max: MAX_CHAT_CHARS as u32,
            },
        ));
    }
    if has_blocked_word(&text, blocked) {
        return Err(AppError::invalid("text", Problem::BlockedWord));
    }
    Ok(text)
}

/// Whether `text` holds one of `blocked` as a whole word (or phrase), whatever its case.
pub fn has_blocked_word(text: &str, blocked: &[String]) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    blocked.iter().any(|b| {
        let phrase: Vec<&str> = b.split_whitespace().collect();
        !phrase.is_empty()
            && words
                .windows(phrase.len())
                .any(|w| w.iter().eq(phrase.iter()))
    })
}

/// The host's blocked words from the studio's text box: one per line or comma, lower case,
/// each once.
pub fn parse_blocked_words(text: &str) -> Result<Vec<String>, AppError> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split([',', '\n']).map(|w| w.trim().to_lowercase()) {
        if word.is_empty() || words.contains(&word) {
            continue;
        }
        if word.chars().count() > MAX_BLOCKED_WORD_CHARS {
            return Err(AppError::invalid(
                "blocked_words",
                Problem::TooLong {
                    max: MAX_BLOCKED_WORD_CHARS as u32,
                },
            ));
        }
        words.push(word);
    }
    if words.len() > MAX_BLOCKED_WORDS {
        return Err(AppError::invalid(
            "blocked_words",
            Problem::TooMany {
                max: MAX_BLOCKED_WORDS as u32,
            },
        ));
    }
    Ok(words)
}

/// Whether a sanction ending at `until` (`None`: a ban) still holds at `now`.
pub fn still_muted(until: Option<i64>, now: i64) -> bool {
    until.is_none_or(|u| u > now)
}

/// Takes message `m` into a page's `list` (in number order, at most [`KEPT`]); returns whether
/// it was new. A number already seen, or older than the last, is a repeat from a reconnection
/// and is dropped. A deletion also empties the message it takes down.
pub fn take_in(list: &mut Vec<RoomMessage>, m: RoomMessage) -> bool {
    if list.last().is_some_and(|last| last.seq >= m.seq) {
        return false;
    }
    if let (MessageKind::Deleted, Some(target)) = (m.kind, m.target) {
        if let Some(gone) = list.iter_mut().find(|l| l.seq == target) {
            gone.deleted = true;
            gone.body.clear();
        }
    }
    list.push(m);
    if list.len() > KEPT {
        list.drain(..list.len() - KEPT);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn chat_is_trimmed_bounded_and_filtered() {
        assert_eq!(
            parse_chat("  hello\nthere ", &[]).ok().as_deref(),
            Some("hello there")
        );
        assert_eq!(
            parse_chat("   ", &[]).err(),
            Some(AppError::invalid("text", Problem::Required))
        );
        let long = "é".repeat(MAX_CHAT_CHARS + 1);
        assert!(matches!(
            parse_chat(&long, &[])
                .err()
                .and_then(|e| e.problem_for("text")),
            Some(Problem::TooLong { .. })
        ));
        assert!(parse_chat(&"é".repeat(MAX_CHAT_CHARS), &[]).is_ok());
        let blocked = words(&["spoiler", "buy followers"]);
        assert_eq!(
            parse_chat("No SPOILER please", &blocked).err(),
            Some(AppError::invalid("text", Problem::BlockedWord))
        );
        assert!(parse_chat("spoilers are fine, a whole word is not", &blocked).is_ok());
        assert!(parse_chat("want to buy   followers?", &blocked).is_err());
        assert!(parse_chat("buy more followers", &blocked).is_ok());
    }

    #[test]
    fn blocked_words_are_listed_once_in_lower_case() {
        assert_eq!(
            parse_blocked_words("Spoiler, scam\n\nspoiler ,  buy followers").ok(),
            Some(words(&["spoiler", "scam", "buy followers"]))
        );
        assert!(parse_blocked_words(&"x".repeat(41)).is_err());
        let many: Vec<String> = (0..=MAX_BLOCKED_WORDS).map(|i| format!("w{i}")).collect();
        assert!(parse_blocked_words(&many.join(",")).is_err());
    }

    fn message(seq: i64, kind: MessageKind, target: Option<i64>) -> RoomMessage {
        RoomMessage {
            seq,
            kind,
            author: None,
            body: format!("line {seq}"),
            amount: None,
            gift: None,
            target,
            deleted: false,
            at: 0,
        }
    }

    #[test]
    fn a_page_takes_each_message_once_in_order() {
        let mut list = Vec::new();
        assert!(take_in(&mut list, message(1, MessageKind::Chat, None)));
        assert!(take_in(&mut list, message(2, MessageKind::Chat, None)));
        // A reconnection sends 2 again, and an older 1: neither is shown twice.
        assert!(!take_in(&mut list, message(2, MessageKind::Chat, None)));
        assert!(!take_in(&mut list, message(1, MessageKind::Chat, None)));
        assert!(take_in(
            &mut list,
            message(3, MessageKind::Deleted, Some(1))
        ));
        assert_eq!(
            list.iter().map(|m| m.seq).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert!(list[0].deleted && list[0].body.is_empty());
        assert!(!list[1].deleted);
        for seq in 4..=(KEPT as i64 + 10) {
            take_in(&mut list, message(seq, MessageKind::Chat, None));
        }
        assert_eq!(list.len(), KEPT);
        assert_eq!(list.last().map(|m| m.seq), Some(KEPT as i64 + 10));
        assert_eq!(list.first().map(|m| m.seq), Some(11));
    }

    #[test]
    fn timeouts_end_and_bans_do_not() {
        assert!(still_muted(None, 1_000));
        assert!(still_muted(Some(1_001), 1_000));
        assert!(!still_muted(Some(1_000), 1_000));
        assert!(CATALOGUE
            .iter()
            .all(|g| gift(g.code) == Some(g) && g.default_price > 0));
        assert_eq!(gift("dragon"), None);
    }
}
