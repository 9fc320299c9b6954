//! Orders as their parties see them: the confirmation of a checkout (`/checkout/:id`), the list
//! (`/orders`) and one order (`/orders/:id`) with the seller's and buyer's steps.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::error::AppError;
use crate::i18n::*;
use crate::orders::api::{
    get_checkout, get_order, my_orders, MarkDelivered, PayCheckout, RefundOrder, ShipOrder,
};
use crate::orders::types::*;
use crate::ui::date::{format_date, format_date_time};
use crate::ui::form::{action_error, list_view, Field, FormError, PageError};
use crate::ui::money::format_money;

pub fn state_label(i18n: I18nContext<Locale>, s: OrderState) -> AnyView {
    match s {
        OrderState::Pending => t!(i18n, orders.pending).into_any(),
        OrderState::Paid => t!(i18n, orders.paid).into_any(),
        OrderState::Shipped => t!(i18n, orders.shipped).into_any(),
        OrderState::Delivered => t!(i18n, orders.delivered).into_any(),
        OrderState::Refunded => t!(i18n, orders.refunded).into_any(),
        OrderState::Expired => t!(i18n, orders.expired).into_any(),
    }
}

fn param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}

/// What a checkout made: its orders, paid or waiting for the card.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param("id");
    let pay = ServerAction::<PayCheckout>::new();
    let checkout = Resource::new(move || id.get(), get_checkout);
    Effect::new(move |_| {
        if let Some(Ok(url)) = pay.value().get() {
            let _ = window().location().set_href(&url);
        }
    });
    let errors = action_error(pay);
    view! {
        <Title text=move || t_string!(i18n, orders.confirmation).to_string() />
        <div class="settings">
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || checkout.get().map(|r| match r {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(c) => {
                        let paid = c.orders.iter().all(|o| o.state != OrderState::Pending && o.state != OrderState::Expired);
                        let pending = c.orders.iter().any(|o| o.state == OrderState::Pending);
                        let total = c.total;
                        let until = c.orders.first().map(|o| o.reserved_until).unwrap_or_default();
                        view! {
                            {if paid {
                                view! { <h1 data-testid="confirmation">{t!(i18n, orders.thanks)}</h1><p class="muted">{t!(i18n, orders.thanks_text)}</p> }.into_any()
                            } else if pending {
                                view! {
                                    <h1>{t!(i18n, orders.awaiting)}</h1>
                                    <p class="muted">{t!(i18n, orders.awaiting_text, until = move || format_date_time(until, i18n.get_locale()))}</p>
                                    <ActionForm action=pay>
                                        <input type="hidden" name="id" value=c.id.clone() />
                                        <button type="submit" class="btn btn-primary">{t!(i18n, orders.pay_card)}</button>
                                    </ActionForm>
                                    <FormError errors fields=&[] />
                                }.into_any()
                            } else {
                                view! { <h1>{t!(i18n, orders.expired_title)}</h1><p class="muted">{t!(i18n, orders.expired_text)}</p> }.into_any()
                            }}
                            <ul class="found-list">
                                {c.orders.into_iter().map(|o| view! { <OrderCard o /> }).collect_view()}
                            </ul>
                            <p class="card"><strong>{t!(i18n, cart.total)} " " {move || format_money(total, i18n.get_locale())}</strong>
                                <span class="muted small">" · " {t!(i18n, orders.zero_fee)}</span></p>
                        }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn OrderCard(o: Order) -> impl IntoView {
    let i18n = use_i18n();
    let total = o.total;
    view! {
        <li class="card found" data-testid="order">
            <div class="found-head">
                <a href=format!("/orders/{}", o.id) class="found-name">{o.seller.clone()}</a>
                <span class=format!("badge order-{}", o.state.as_str())>{state_label(i18n, o.state)}</span>
            </div>
            <ul class="order-lines">
                {o.lines.iter().map(|l| {
                    let unit = l.unit_price;
                    view! { <li>{l.quantity} " × " {l.title.clone()} {(!l.variant.is_empty()).then(|| format!(" ({})", l.variant))} " · " {move || format_money(unit, i18n.get_locale())}</li> }
                }).collect_view()}
            </ul>
            <p><strong>{move || format_money(total, i18n.get_locale())}</strong></p>
        </li>
    }
}

/// Everything the caller bought, sold and brought.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| my_orders());
    view! {
        <Title text=move || t_string!(i18n, orders.title).to_string() />
        <div class="settings">
            <h1>{t!(i18n, orders.title)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || list.get().map(|r| list_view(
                    r,
                    || view! { <p class="empty card">{t!(i18n, orders.none)}</p> }.into_any(),
                    |list| view! {
                        <div class="table-scroll"><table class="statement results" data-testid="orders">
                            <thead><tr>
                                <th>{t!(i18n, orders.date)}</th><th>{t!(i18n, orders.what)}</th><th>{t!(i18n, orders.who)}</th>
                                <th>{t!(i18n, orders.state)}</th><th class="num">{t!(i18n, cart.total)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|o| {
                                    let (at, total, commission) = (o.created_at, o.total, o.commission);
                                    view! {
                                        <tr>
                                            <td>{move || format_date(at, i18n.get_locale())}</td>
                                            <td><a href=format!("/orders/{}", o.id)>{o.items.clone()}</a></td>
                                            <td>
                                                {match o.viewer {
                                                    OrderRole::Buyer => t!(i18n, orders.bought_from).into_any(),
                                                    OrderRole::Seller => t!(i18n, orders.sold_to).into_any(),
                                                    OrderRole::Creator => t!(i18n, orders.brought_for).into_any(),
                                                }}
                                                " " {o.counterpart.clone()}
                                            </td>
                                            <td><span class=format!("badge order-{}", o.state.as_str())>{state_label(i18n, o.state)}</span></td>
                                            <td class="num">{move || match o.viewer {
                                                OrderRole::Creator => format!("+{}", format_money(commission, i18n.get_locale())),
                                                _ => format_money(total, i18n.get_locale()),
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                ))}
            </Transition>
        </div>
    }
}

/// One order, with what its viewer may do next.
#[component]
pub fn OrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param("id");
    let ship = ServerAction::<ShipOrder>::new();
    let deliver = ServerAction::<MarkDelivered>::new();
    let refund = ServerAction::<RefundOrder>::new();
    let order = Resource::new(
        move || {
            (
                id.get(),
                ship.version().get(),
                deliver.version().get(),
                refund.version().get(),
            )
        },
        |(id, ..)| get_order(id),
    );
    view! {
        <Title text=move || t_string!(i18n, orders.order).to_string() />
        <div class="settings">
            <p class="breadcrumb"><a href="/orders">{t!(i18n, orders.title)}</a></p>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || order.get().map(|r| match r {
                    Ok(o) => view! { <OrderView o ship deliver refund /> }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::site::NotFound /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn OrderView(
    o: Order,
    ship: ServerAction<ShipOrder>,
    deliver: ServerAction<MarkDelivered>,
    refund: ServerAction<RefundOrder>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (ship_errors, deliver_errors, refund_errors) = (
        action_error(ship),
        action_error(deliver),
        action_error(refund),
    );
    let label = move |key: fn(I18nContext<Locale>) -> String| Signal::derive(move || key(i18n));
    let (total, refunded, commission, clawed) = (o.total, o.refunded, o.commission, o.clawed);
    let seller = o.viewer == OrderRole::Seller;
    let can_refund = seller
        && matches!(
            o.state,
            OrderState::Paid | OrderState::Shipped | OrderState::Delivered
        );
    let can_deliver = o.state == OrderState::Shipped && o.viewer != OrderRole::Creator;
    let id = o.id.clone();
    let steps: Vec<(AnyView, Option<i64>)> = vec![
        (t!(i18n, orders.placed).into_any(), Some(o.created_at)),
        (t!(i18n, orders.paid).into_any(), o.paid_at),
        (t!(i18n, orders.shipped).into_any(), o.shipped_at),
        (t!(i18n, orders.delivered).into_any(), o.delivered_at),
    ];
    view! {
        <h1>{t!(i18n, orders.order)} " · " {o.seller.clone()}</h1>
        <p><span class=format!("badge order-{}", o.state.as_str()) data-testid="order-state">{state_label(i18n, o.state)}</span></p>
        <ol class="order-steps">
            {steps.into_iter().map(|(name, at)| view! {
                <li class:done=at.is_some()>{name} {at.map(|at| view! { <span class="muted small">" " {move || format_date_time(at, i18n.get_locale())}</span> })}</li>
            }).collect_view()}
        </ol>
        <section class="card">
            <ul class="order-lines">
                {o.lines.clone().into_iter().map(|l| {
                    let (unit, shipping) = (l.unit_price, l.shipping);
                    view! {
                        <li>
                            <a href=format!("/products/{}", l.product)>{l.quantity} " × " {l.title.clone()}</a>
                            {(!l.variant.is_empty()).then(|| format!(" ({})", l.variant))}
                            " · " {move || format_money(unit, i18n.get_locale())}
                            {(shipping.minor > 0).then(|| view! { <span class="muted small">" + " {move || format_money(shipping, i18n.get_locale())}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <dl class="receipt-lines">
                <dt>{t!(i18n, cart.total)}</dt><dd data-testid="order-total">{move || format_money(total, i18n.get_locale())}</dd>
                {(refunded.minor > 0).then(|| view! { <dt>{t!(i18n, orders.refunded_amount)}</dt><dd data-testid="refunded">{move || format_money(refunded, i18n.get_locale())}</dd> })}
                {o.creator.clone().map(|handle| view! {
                    <dt>{t!(i18n, orders.commission_to, handle = handle.clone())}</dt>
                    <dd data-testid="commission">{move || format_money(commission, i18n.get_locale())}
                        {(clawed.minor > 0).then(|| view! { <span class="muted small">" − " {move || format_money(clawed, i18n.get_locale())} " " {t!(i18n, orders.clawed)}</span> })}
                    </dd>
                })}
                <dt>{t!(i18n, orders.platform_fee)}</dt><dd>"0 %"</dd>
            </dl>
            {(o.viewer == OrderRole::Creator).then(|| {
                let until = o.returns_until;
                let taken_back = commission.minor > 0 && clawed.minor >= commission.minor;
                view! { <p class="notice" data-testid="commission-state">{if taken_back {
                    t!(i18n, orders.commission_taken_back).into_any()
                } else if o.commission_released {
                    t!(i18n, orders.commission_released).into_any()
                } else {
                    match until {
                        Some(until) => t!(i18n, orders.commission_until, until = move || format_date(until, i18n.get_locale())).into_any(),
                        None => t!(i18n, orders.commission_pending).into_any(),
                    }
                }}</p> }
            })}
        </section>
        {o.ship_address.clone().map(|address| view! {
            <section class="card">
                <h2>{t!(i18n, cart.ship_to)}</h2>
                <p class="address">{o.ship_name.clone()}<br />{address}</p>
                {o.tracking.clone().map(|t| view! { <p>{t!(i18n, orders.tracking)} " " <strong data-testid="tracking">{o.carrier.clone()} " " {t}</strong></p> })}
            </section>
        })}
        {(seller && o.state == OrderState::Paid).then(|| { let id = id.clone(); view! {
            <section class="card settings-section">
                <h2>{t!(i18n, orders.ship)}</h2>
                <ActionForm action=ship attr:class="form">
                    <input type="hidden" name="id" value=id.clone() />
                    <div class="form-grid">
                        <Field name="carrier" label=label(|i| t_string!(i, orders.carrier).to_string()) errors=ship_errors required=true />
                        <Field name="tracking" label=label(|i| t_string!(i, orders.tracking).to_string()) errors=ship_errors required=true />
                    </div>
                    <FormError errors=ship_errors fields=&["carrier", "tracking"] />
                    <button type="submit" class="btn btn-primary">{t!(i18n, orders.mark_shipped)}</button>
                </ActionForm>
            </section>
        }})}
        {can_deliver.then(|| { let id = id.clone(); view! {
            <ActionForm action=deliver attr:class="card settings-section">
                <input type="hidden" name="id" value=id.clone() />
                <p class="muted">{t!(i18n, orders.deliver_text)}</p>
                <button type="submit" class="btn btn-primary">{t!(i18n, orders.mark_delivered)}</button>
                <FormError errors=deliver_errors fields=&[] />
            </ActionForm>
        }})}
        {can_refund.then(|| view! {
            <section class="card settings-section">
                <h2>{t!(i18n, orders.refund)}</h2>
                <p class="field-hint">{t!(i18n, orders.refund_text)}</p>
                <ActionForm action=refund attr:class="form">
                    <input type="hidden" name="id" value=id.clone() />
                    <Field name="amount" label=label(|i| t_string!(i, orders.refund_amount).to_string()) errors=refund_errors inputmode="decimal" prefix="€" />
                    <FormError errors=refund_errors fields=&["amount"] />
                    <button type="submit" class="btn btn-ghost">{t!(i18n, orders.refund)}</button>
                </ActionForm>
            </section>
        })}
    }
}
