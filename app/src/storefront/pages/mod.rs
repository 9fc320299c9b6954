//! What the user sees of storefronts.
