//! The cart (`/cart`): lines at today's prices, quantities, and the checkout form.

use crate::ui::picture::Picture;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;
use crate::i18n::*;
use crate::orders::api::{get_cart, CheckOut, UpdateCart};
use crate::orders::types::*;
use crate::ui::form::{
    action_error, problem_text, Field, FieldProblem, FormError, PageError, TextArea,
};
use crate::ui::money::format_money;

#[component]
pub fn CartPage() -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateCart>::new();
    let auth = crate::ui::layout::use_auth();
    Effect::new(move |_| {
        if update.version().get() > 0 {
            auth.refresh();
        }
    });
    let checkout = ServerAction::<CheckOut>::new();
    let cart = Resource::new(
        move || (update.version().get(), checkout.version().get()),
        |_| get_cart(),
    );
    // Paid from the wallet, the buyer goes to the confirmation; by card, to the processor.
    Effect::new(move |_| {
        if let Some(Ok(url)) = checkout.value().get() {
            if let Err(e) = window().location().set_href(&url) {
                leptos::logging::error!("could not open {url}: {e:?}");
            }
        }
    });
    view! {
        <Title text=move || t_string!(i18n, cart.title).to_string() />
        <div class="settings">
            <h1>{t!(i18n, cart.title)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || cart.get().map(|r| match r {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(c) if c.items.is_empty() => view! {
                        <p class="empty card" data-testid="cart-empty">{t!(i18n, cart.empty)}</p>
                    }.into_any(),
                    Ok(c) => view! { <CartView c update checkout /> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn CartView(
    c: Cart,
    update: ServerAction<UpdateCart>,
    checkout: ServerAction<CheckOut>,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = crate::ui::layout::use_auth();
    let errors = action_error(checkout);
    let update_errors = action_error(update);
    let line_problem = move |variant: i64| {
        errors
            .get()
            .and_then(|e| e.problem_for(&format!("line_{variant}")))
    };
    let (subtotal, shipping, total) = (c.subtotal, c.shipping, c.total);
    let wallet = c.wallet;
    let enough = wallet.is_some_and(|w| w.minor >= total.minor);
    // A line's error shows on its line.
    let unowned = Signal::derive(move || {
        errors
            .get()
            .filter(|e| !matches!(e, AppError::Invalid { field, .. } if field.starts_with("line_")))
    });
    let price_changed = move || errors.get().and_then(|e| e.problem_for("total"));
    let logged_in = move || auth.user.get().and_then(|u| u.ok().flatten()).is_some();
    view! {
        <ul class="cart-lines" data-testid="cart">
            {c.items.into_iter().map(|item| {
                let variant = item.variant.to_string();
                let (unit, line_total) = (item.unit_price, item.line_total);
                let href = match &item.shop_handle {
                    Some(h) => format!("/@{h}/shop/{}", item.product),
                    None => format!("/products/{}", item.product),
                };
                let short = item.on_sale && i64::from(item.quantity) > item.stock;
                let id = item.variant;
                view! {
                    <li class="card cart-line" data-testid="cart-line">
                        {item.image.clone().map(|src| view! { <Picture class="cart-thumb" src=src sizes="72px" width=72 height=72 /> })}
                        <div class="cart-main">
                            <a href=href class="found-name">{item.title.clone()}</a>
                            {(!item.variant_name.is_empty()).then(|| view! { <span class="chip">{item.variant_name.clone()}</span> })}
                            <span class="muted small">{item.seller.clone()} " · " {move || format_money(unit, i18n.get_locale())}</span>
                            {(!item.on_sale || item.stock == 0).then(|| view! { <span class="field-error">{t!(i18n, cart.gone)}</span> })}
                            {short.then(|| { let left = item.stock; view! { <span class="field-error">{t!(i18n, problems.not_enough_stock, left)}</span> }})}
                            <p class="field-error" role="alert">{move || line_problem(id).map(|p| problem_text(i18n, p))}</p>
                        </div>
                        <ActionForm action=update attr:class="cart-quantity">
                            <input type="hidden" name="variant" value=variant.clone() />
                            <label class="visually-hidden" for=format!("qty-{variant}")>{t!(i18n, shop.quantity)}</label>
                            <input id=format!("qty-{variant}") name="quantity" type="number" min="0" max="99" value=item.quantity.to_string() inputmode="numeric" />
                            <button type="submit" class="btn btn-ghost btn-small">{t!(i18n, cart.update)}</button>
                        </ActionForm>
                        <strong class="cart-line-total">{move || format_money(line_total, i18n.get_locale())}</strong>
                        <ActionForm action=update>
                            <input type="hidden" name="variant" value=id.to_string() />
                            <input type="hidden" name="quantity" value="0" />
                            <button type="submit" class="btn btn-ghost btn-small" aria-label=move || t_string!(i18n, cart.remove).to_string()>"×"</button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
        <FieldProblem errors=update_errors name="quantity" />
        <section class="card cart-summary">
            <dl class="receipt-lines">
                <dt>{t!(i18n, cart.subtotal)}</dt><dd>{move || format_money(subtotal, i18n.get_locale())}</dd>
                <dt>{t!(i18n, shop.shipping)}</dt><dd>{move || if shipping.minor == 0 { t_string!(i18n, cart.free).to_string() } else { format_money(shipping, i18n.get_locale()) }}</dd>
                <dt><strong>{t!(i18n, cart.total)}</strong></dt><dd><strong data-testid="cart-total">{move || format_money(total, i18n.get_locale())}</strong></dd>
            </dl>
            {move || price_changed().map(|p| view! { <p class="form-error" role="alert">{problem_text(i18n, p)}</p> })}
            <ActionForm action=checkout attr:class="form checkout-form">
                <input type="hidden" name="total" value=total.minor.to_string() />
                {move || (!logged_in()).then(|| view! {
                    <h2>{t!(i18n, cart.guest)}</h2>
                    <p class="field-hint">{t!(i18n, cart.guest_text)} " " <a href="/login">{t!(i18n, cart.have_account)}</a></p>
                    <Field name="email" kind="email" label=Signal::derive(move || t_string!(i18n, fields.email).to_string()) errors autocomplete="email" required=true />
                })}
                <h2>{t!(i18n, cart.ship_to)}</h2>
                <Field name="ship_name" label=Signal::derive(move || t_string!(i18n, cart.ship_name).to_string()) errors autocomplete="name" required=true />
                <TextArea name="ship_address" label=Signal::derive(move || t_string!(i18n, cart.ship_address).to_string()) errors maxlength=500 rows=3 required=true />
                <fieldset class="pay-with">
                    <legend>{t!(i18n, cart.pay_with)}</legend>
                    {move || logged_in().then(|| view! {
                        <label class="check">
                            <input type="radio" name="pay_with" value="wallet" checked=enough disabled=!enough />
                            " " {t!(i18n, cart.pay_wallet)}
                            {wallet.map(|w| view! { <span class="muted small">" (" {t!(i18n, cart.wallet_has, amount = move || format_money(w, i18n.get_locale()))} ")"</span> })}
                        </label>
                    })}
                    <label class="check">
                        <input type="radio" name="pay_with" value="card" checked=!enough />
                        " " {t!(i18n, cart.pay_card)}
                    </label>
                    <FieldProblem errors name="pay_with" />
                    <FieldProblem errors name="pay" />
                </fieldset>
                <FormError errors=unowned fields=&["total", "email", "ship_name", "ship_address", "pay_with", "pay", "cart"] />
                <p class="muted small">{t!(i18n, cart.fee_note)}</p>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="checkout" disabled=move || checkout.pending().get()>
                        {t!(i18n, cart.checkout, amount = move || format_money(total, i18n.get_locale()))}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
