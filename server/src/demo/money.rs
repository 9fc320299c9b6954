//! Demo money: fans top up by card (through the same settlement as a processor's webhook), and
//! spend on the creators they follow, so wallets, receipts, statements and the operators'
//! payout desk have something to show. Loaded once, with the people.

use app::earnings::store::{self as earnings, PayoutOrder};
use app::earnings::types::{AccountHolder, Iban};
use app::ledger::types::*;
use app::ssr::payments::WebhookEvent;
use app::ssr::{now, AppState};
use app::wallet::store as wallet;

use app::wallet::rules::FeeSchedule;

/// Who topped up their wallet, cents: fans, and brands that fund deals' escrow from theirs.
const TOP_UPS: [(&str, i64); 5] = [
    ("lea", 30_000),
    ("tom", 5_000),
    ("nina", 40_000),
    ("velocita", 200_000),
    ("maison_lumiere", 150_000),
];

/// Fan, creator, what for, cents.
const SPENDING: [(&str, &str, TransferKind, i64); 8] = [
    ("lea", "camille_cuisine", TransferKind::Gift, 500),
    ("lea", "camille_cuisine", TransferKind::StageSlot, 2_500),
    ("tom", "camille_cuisine", TransferKind::Donation, 1_000),
    ("nina", "camille_cuisine", TransferKind::StageSlot, 4_000),
    ("nina", "camille_cuisine", TransferKind::Gift, 1_500),
    ("nina", "lucas_music", TransferKind::Donation, 2_000),
    ("lea", "lucas_music", TransferKind::Gift, 300),
    ("tom", "ines_beauty", TransferKind::Gift, 800),
];

/// A payout Camille asked for, waiting on the operators' desk.
const PAYOUT: i64 = 3_000;
const PAYOUT_IBAN: &str = "FR7630006000011234567890189";

pub async fn load(state: &AppState, id_of: impl Fn(&str) -> i64) -> anyhow::Result<()> {
    let db = &state.db;
    let t = now();
    for (fan, amount) in TOP_UPS {
        let amount = Money::eur(amount);
        let payment = wallet::create_payment(
            db,
            id_of(fan),
            amount,
            &wallet::PaymentFor::Wallet,
            "demo",
            t,
        )
        .await?;
        let provider_ref = format!("demo_{payment}");
        wallet::set_provider_ref(db, &payment, &provider_ref).await?;
        let event = WebhookEvent::PaymentSucceeded {
            event_id: format!("demo_{payment}"),
            provider_ref,
            fee: Money::eur(FeeSchedule::DEFAULT.fee(amount.minor)),
        };
        wallet::settle(db, "demo", &event, t).await?;
    }
    for (n, (fan, creator, kind, minor)) in SPENDING.into_iter().enumerate() {
        state
            .ledger
            .transfer(
                vec![NewTransfer {
                    key: format!("demo:{n}"),
                    debit: AccountRef::wallet(id_of(fan), Currency::Eur),
                    credit: AccountRef::earnings(id_of(creator), Currency::Eur),
                    amount: Money::eur(minor),
                    kind,
                    cause: format!("demo:{n}"),
                    hold: None,
                }],
                t,
            )
            .await?;
    }
    let order = PayoutOrder {
        amount: Money::eur(PAYOUT),
        iban: Iban::parse(PAYOUT_IBAN)?,
        holder: AccountHolder::parse("Camille Durand")?,
        key: "demopayoutcamille".to_owned(),
    };
    earnings::request_payout(db, id_of("camille_cuisine"), order, t).await?;
    Ok(())
}
