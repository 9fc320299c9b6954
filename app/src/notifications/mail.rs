//! Deal news by email: a worker sends the notifications that are to be mailed, once each, in
//! the language the person last used the site in.

use super::store;
use super::types::{DealNews, Notice, OrderNews};
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::ssr::{AppState, Mail};

fn locale(code: &str) -> Locale {
    match code {
        "fr" => Locale::fr,
        _ => Locale::en,
    }
}

/// The mail for `notice`, or `None` for notices that are not mailed.
fn compose(notice: &Notice, to: String, locale: Locale, base_url: &str) -> Option<Mail> {
    let (id, from, news) = match notice {
        Notice::Deal { id, from, news } => (id, from, news),
        Notice::Order { id, news, amount } => {
            return Some(order_mail(id, *news, *amount, to, locale, base_url))
        }
        Notice::Live { event, title, host } => {
            return Some(Mail {
                to,
                subject: format!("{host} · {}", td_string!(locale, mail.live_subject)),
                body: format!(
                    "{host} {} “{title}”\n\n{base_url}/live/{event}\n",
                    td_string!(locale, mail.live_intro)
                ),
            })
        }
        _ => return None,
    };
    let what = match news {
        DealNews::Offer => td_string!(locale, deals.kind_offer),
        DealNews::Message => td_string!(locale, deals.kind_message),
        DealNews::Accepted => td_string!(locale, deals.kind_accept),
        DealNews::Cancelled => td_string!(locale, deals.kind_cancel),
        DealNews::Funded => td_string!(locale, deals.kind_fund),
        DealNews::Delivered => td_string!(locale, deals.kind_deliver),
        DealNews::Approved => td_string!(locale, deals.kind_approve),
        DealNews::Revision => td_string!(locale, deals.kind_revision),
        DealNews::AutoReleased => td_string!(locale, deals.kind_auto_release),
        DealNews::Disputed => td_string!(locale, deals.kind_dispute),
        DealNews::SettledRelease => td_string!(locale, deals.kind_settle_release),
        DealNews::SettledRefund => td_string!(locale, deals.kind_settle_refund),
        DealNews::Rated => td_string!(locale, deals.kind_rated),
    };
    Some(Mail {
        to,
        subject: format!("{} · {from}: {what}", td_string!(locale, mail.deal_subject)),
        body: format!(
            "{from}: {what}.\n\n{}\n{base_url}/deals/{id}\n",
            td_string!(locale, mail.deal_intro)
        ),
    })
}

fn order_mail(
    id: &str,
    news: OrderNews,
    amount: crate::ledger::types::Money,
    to: String,
    locale: Locale,
    base_url: &str,
) -> Mail {
    let what = match news {
        OrderNews::Paid => td_string!(locale, mail.order_paid),
        OrderNews::Sold => td_string!(locale, mail.order_sold),
        OrderNews::Shipped => td_string!(locale, mail.order_shipped),
        OrderNews::Refunded => td_string!(locale, mail.order_refunded),
    };
    let amount = crate::ui::money::format_money(amount, locale);
    Mail {
        to,
        subject: format!(
            "{} · {what} · {amount}",
            td_string!(locale, mail.order_subject)
        ),
        body: format!(
            "{what}: {amount}.\n\n{}\n{base_url}/orders/{id}\n\n{}\n",
            td_string!(locale, mail.order_intro),
            td_string!(locale, mail.order_fee)
        ),
    }
}

/// Mails what waits to be mailed; returns how many went out. Each notification is claimed
/// before it is sent, so two instances never send it twice; a failed send gives it back.
pub async fn send_pending(state: &AppState, now: i64) -> Result<u64, AppError> {
    let mut sent = 0;
    for pending in store::to_mail(&state.db, 100).await? {
        if !store::mark_mailed(&state.db, pending.id, Some(now)).await? {
            continue;
        }
        // Left unmailed for good, not held back: news weeks old would flood the inbox the
        // day the address is confirmed. It stays on the notifications page.
        if !pending.confirmed && !pending.notice.mailed_unconfirmed() {
            continue;
        }
        let Some(mail) = compose(
            &pending.notice,
            pending.email,
            locale(&pending.locale),
            &state.base_url,
        ) else {
            continue;
        };
        if let Err(e) = state.mailer.send(mail).await {
            store::mark_mailed(&state.db, pending.id, None).await?;
            return Err(crate::ssr::internal(e));
        }
        sent += 1;
    }
    Ok(sent)
}
