use leptos::prelude::*;
use leptos_meta::Title;

use super::api::notifications;
use super::types::{DealNews, Notice, Notification, OrderNews, StageNews};
use crate::i18n::*;
use crate::ui::date::format_date_time;
use crate::ui::form::PageError;
use crate::ui::layout::use_auth;
use crate::ui::money::format_money;

/// The notification centre. Opening it marks everything shown as read; the header's count
/// follows.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let list = Resource::new(|| (), |_| notifications());
    Effect::new(move |_| {
        if let Some(Ok(_)) = list.get() {
            auth.refresh();
        }
    });
    view! {
        <Title text=move || t_string!(i18n, notifications.title).to_string() />
        <div class="settings">
            <h1>{t!(i18n, notifications.title)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || list.get().map(|l| match l {
                    Ok(l) if l.is_empty() => view! {
                        <p class="card muted">{t!(i18n, notifications.empty)}</p>
                    }.into_any(),
                    Ok(l) => view! {
                        <ul class="card notifications" data-testid="notifications">
                            {l.into_iter().map(|n| view! { <NotificationLine n /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn NotificationLine(n: Notification) -> impl IntoView {
    let i18n = use_i18n();
    let at = n.at;
    let link = n.notice.link();
    let notice = n.notice;
    let text = match notice {
        Notice::NewFollower {
            handle,
            display_name,
        } => t!(
            i18n,
            notifications.new_follower,
            name = display_name,
            handle = handle
        )
        .into_any(),
        Notice::PayoutPaid { amount } => {
            let amount = move || format_money(amount, i18n.get_locale());
            t!(i18n, notifications.payout_paid, amount).into_any()
        }
        Notice::PayoutFailed { amount, reason } => {
            let amount = move || format_money(amount, i18n.get_locale());
            let reason = reason.trim_end_matches('.').to_owned();
            t!(i18n, notifications.payout_failed, amount, reason).into_any()
        }
        Notice::Deal { from, news, .. } => match news {
            DealNews::Offer => t!(i18n, notifications.deal_offer, from).into_any(),
            DealNews::Message => t!(i18n, notifications.deal_message, from).into_any(),
            DealNews::Accepted => t!(i18n, notifications.deal_accepted, from).into_any(),
            DealNews::Cancelled => t!(i18n, notifications.deal_cancelled, from).into_any(),
            DealNews::Funded => t!(i18n, notifications.deal_funded, from).into_any(),
            DealNews::Delivered => t!(i18n, notifications.deal_delivered, from).into_any(),
            DealNews::Approved => t!(i18n, notifications.deal_approved, from).into_any(),
            DealNews::Revision => t!(i18n, notifications.deal_revision, from).into_any(),
            DealNews::AutoReleased => t!(i18n, notifications.deal_auto_released, from).into_any(),
            DealNews::Disputed => t!(i18n, notifications.deal_disputed, from).into_any(),
            DealNews::SettledRelease => t!(i18n, notifications.deal_settled_release).into_any(),
            DealNews::SettledRefund => t!(i18n, notifications.deal_settled_refund).into_any(),
            DealNews::Rated => t!(i18n, notifications.deal_rated, from).into_any(),
        },
        Notice::Order { news, amount, .. } => {
            let amount = move || format_money(amount, i18n.get_locale());
            match news {
                OrderNews::Paid => t!(i18n, notifications.order_paid, amount).into_any(),
                OrderNews::Sold => t!(i18n, notifications.order_sold, amount).into_any(),
                OrderNews::Shipped => t!(i18n, notifications.order_shipped, amount).into_any(),
                OrderNews::Refunded => t!(i18n, notifications.order_refunded, amount).into_any(),
            }
        }
        Notice::Stage {
            title,
            news,
            amount,
            ..
        } => {
            let amount = move || format_money(amount, i18n.get_locale());
            match news {
                StageNews::Called => t!(i18n, notifications.stage_called, title).into_any(),
                StageNews::Charged => {
                    t!(i18n, notifications.stage_charged, title, amount).into_any()
                }
                StageNews::Skipped => {
                    t!(i18n, notifications.stage_skipped, title, amount).into_any()
                }
                StageNews::NoShow => {
                    t!(i18n, notifications.stage_no_show, title, amount).into_any()
                }
                StageNews::Unplayed => {
                    t!(i18n, notifications.stage_unplayed, title, amount).into_any()
                }
            }
        }
        Notice::Live { title, host, .. } => t!(i18n, notifications.live, host, title).into_any(),
    };
    view! {
        <li class=if n.read { "notification" } else { "notification notification-unread" }>
            <a href=link>
                <span class="notification-text">{text}</span>
                <span class="muted small">{move || format_date_time(at, i18n.get_locale())}</span>
            </a>
        </li>
    }
}
