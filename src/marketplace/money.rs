//! Money: parsing what people type, and the amounts of a purchase. Always `BigDecimal`, rounded
//! half-up to cents (a float would turn 33.335 into 33.33).

use bigdecimal::{BigDecimal, RoundingMode, Zero};

/// The largest whole amount a form accepts for a price or a shipping cost.
const MAX_AMOUNT: i64 = 99_999_999;

/// The largest amount a `NUMERIC(10, 2)` column holds: what one order may total at most,
/// platform fee included.
pub fn largest_order_total() -> BigDecimal {
    BigDecimal::new(9_999_999_999_i64.into(), 2)
}

pub fn fits_in_an_order(amount: &BigDecimal) -> bool {
    *amount <= largest_order_total()
}

pub fn cents(value: &BigDecimal) -> BigDecimal {
    value.with_scale_round(2, RoundingMode::HalfUp)
}

/// "1,234.50" style text: two decimals, thousands grouped.
pub fn display(value: &BigDecimal) -> String {
    let text = cents(value).to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    let (sign, digits) = match whole.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", whole),
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{fraction}")
}

/// An amount typed into a form: digits with at most two decimals, not negative. Thousands
/// separators and a leading `$` are forgiven.
pub fn parse(raw: &str) -> Result<BigDecimal, &'static str> {
    let cleaned: String = raw
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if cleaned.is_empty()
        || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.')
        || cleaned.matches('.').count() > 1
    {
        return Err("Enter an amount like 120 or 120.50.");
    }
    let value: BigDecimal = cleaned
        .parse()
        .map_err(|_| "Enter an amount like 120 or 120.50.")?;
    if value.normalized().fractional_digit_count() > 2 {
        return Err("Use at most two decimals (whole cents).");
    }
    if value > MAX_AMOUNT {
        return Err("That amount is too large.");
    }
    Ok(cents(&value))
}

/// What a purchase costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amounts {
    pub subtotal: BigDecimal,
    pub shipping: BigDecimal,
    pub platform_fee: BigDecimal,
    pub total: BigDecimal,
}

/// The platform fee is a percentage of the subtotal (not of shipping), rounded half-up to cents.
pub fn amounts(
    unit_price: &BigDecimal,
    quantity: i32,
    shipping: &BigDecimal,
    fee_percent: &BigDecimal,
) -> Amounts {
    let subtotal = cents(&(unit_price * BigDecimal::from(quantity)));
    let shipping = cents(shipping);
    let platform_fee = cents(&(&subtotal * fee_percent / BigDecimal::from(100)));
    let total = cents(&(&subtotal + &shipping + &platform_fee));
    Amounts {
        subtotal,
        shipping,
        platform_fee,
        total,
    }
}

/// The highest unit price at which `quantity` parts, with `shipping` and the platform fee,
/// still fit in one order; `None` when not even a cent does.
pub fn highest_unit_price(
    quantity: i32,
    shipping: &BigDecimal,
    fee_percent: &BigDecimal,
) -> Option<BigDecimal> {
    let room = largest_order_total() - cents(shipping);
    let per_unit = BigDecimal::from(quantity.max(1))
        * (BigDecimal::from(1) + fee_percent / BigDecimal::from(100));
    if room <= zero() || per_unit <= zero() {
        return None;
    }
    let cent = BigDecimal::new(1.into(), 2);
    let fits = |price: &BigDecimal| {
        fits_in_an_order(&amounts(price, quantity, shipping, fee_percent).total)
    };
    // The fee is rounded to cents, so the exact quotient can be a cent off either way.
    let mut price = (room / per_unit).with_scale_round(2, RoundingMode::Down);
    while fits(&(&price + &cent)) {
        price += &cent;
    }
    while price > zero() && !fits(&price) {
        price -= &cent;
    }
    (price > zero()).then_some(price)
}

pub fn zero() -> BigDecimal {
    BigDecimal::zero()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> BigDecimal {
        BigDecimal::from_str(s).unwrap()
    }

    #[test]
    fn awkward_amounts_round_half_up() {
        let a = amounts(&d("0.01"), 3, &d("0"), &d("5"));
        assert_eq!(a.subtotal, d("0.03"));
        assert_eq!(a.platform_fee, d("0.00"));
        assert_eq!(a.total, d("0.03"));
        // 10 % of 333.35 is 33.335: half-up gives 33.34 (a float gives 33.33).
        let a = amounts(&d("333.35"), 1, &d("12.50"), &d("10"));
        assert_eq!(a.platform_fee, d("33.34"));
        assert_eq!(a.total, d("379.19"));
        assert_eq!(cents(&d("33.335")), d("33.34"));
        assert_eq!(cents(&d("0.005")), d("0.01"));
    }

    #[test]
    fn the_highest_price_fits_one_order_and_a_cent_more_does_not() {
        let fee = d("5");
        let highest = highest_unit_price(1, &zero(), &fee).unwrap();
        assert_eq!(highest, d("95238095.23"));
        assert_eq!(amounts(&highest, 1, &zero(), &fee).total, d("99999999.99"));
        let more = &highest + d("0.01");
        assert!(!fits_in_an_order(&amounts(&more, 1, &zero(), &fee).total));
        let highest = highest_unit_price(3, &d("12.50"), &fee).unwrap();
        assert!(fits_in_an_order(
            &amounts(&highest, 3, &d("12.50"), &fee).total
        ));
        let more = &highest + d("0.01");
        assert!(!fits_in_an_order(
            &amounts(&more, 3, &d("12.50"), &fee).total
        ));
        assert_eq!(highest_unit_price(1, &d("99999999.99"), &fee), None);
    }

    #[test]
    fn parses_and_displays() {
        assert_eq!(parse("$1,250.5").unwrap(), d("1250.50"));
        assert_eq!(parse(" 33.30 ").unwrap(), d("33.30"));
        assert!(parse("33.335").is_err());
        assert!(parse("-4").is_err());
        assert!(parse("1e5").is_err());
        assert!(parse("").is_err());
        assert!(parse("123456789").is_err());
        assert_eq!(display(&d("1234567.5")), "1,234,567.50");
        assert_eq!(display(&d("0.01")), "0.01");
        assert_eq!(display(&d("999")), "999.00");
    }
}
