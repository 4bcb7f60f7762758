//! Money: parsing what people type, and the amounts of a purchase. Always `BigDecimal`, rounded
//! half-up to cents (a float would turn 33.335 into 33.33).

use bigdecimal::{BigDecimal, RoundingMode, Zero};

/// The largest amount a `NUMERIC(10, 2)` column holds.
const MAX_AMOUNT: i64 = 99_999_999;

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
