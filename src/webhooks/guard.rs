//! The SSRF guard: a webhook URL is typed by an organization's administrator, but the request
//! leaves from our servers, so it must not reach into their network (the cloud's metadata
//! service, the database, an internal admin page). Checked when a subscription is saved, and
//! again by the resolver of every delivery on the addresses it actually connects to, so a
//! host name that later resolves somewhere private (DNS rebinding) is refused too.
//!
//! `SITESYNC_WEBHOOK_ALLOW_PRIVATE=1` turns the address checks off and lets plain `http://`
//! through, for tests against a loopback listener and intranet installs.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

/// Why a URL or an address is refused; the message is shown on the form and in the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("Enter a full web address, such as https://example.com/hooks/sitesync.")]
    Invalid,
    #[error("Use an https:// address: webhooks carry your organization's data.")]
    NotHttps,
    #[error("Leave the user name and password out of the address; the signature shows the request comes from SiteSync.")]
    Credentials,
    #[error("This address points into a private network ({0}), which webhooks may not reach.")]
    Private(IpAddr),
    #[error("The host name {0} could not be found.")]
    NotFound(String),
}

/// Checks a URL as typed: its form, and (unless `allow_private`) where its host points now.
/// Returns the parsed URL.
pub fn check_url(raw: &str, allow_private: bool) -> Result<url::Url, GuardError> {
    let parsed = check_form(raw, allow_private)?;
    if !allow_private {
        let host = parsed.host_str().ok_or(GuardError::Invalid)?;
        let port = parsed.port_or_known_default().ok_or(GuardError::Invalid)?;
        // `host_str` keeps an IPv6 literal's brackets, as `host:port` needs them.
        resolve(&format!("{host}:{port}"), false)?;
    }
    Ok(parsed)
}

/// The URL's form alone, without looking up its host: scheme, credentials, an IP literal.
pub fn check_form(raw: &str, allow_private: bool) -> Result<url::Url, GuardError> {
    let parsed = url::Url::parse(raw.trim()).map_err(|_| GuardError::Invalid)?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => return Err(GuardError::NotHttps),
        _ => return Err(GuardError::Invalid),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(GuardError::Credentials);
    }
    match parsed.host() {
        Some(url::Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip), allow_private)?,
        Some(url::Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip), allow_private)?,
        Some(url::Host::Domain(name)) if !name.is_empty() => {}
        _ => return Err(GuardError::Invalid),
    }
    Ok(parsed)
}

/// Resolves `host:port` and refuses the lot if any address is one webhooks may not reach:
/// the resolver of every delivery, so the check is on the very addresses connected to.
pub fn resolve(netloc: &str, allow_private: bool) -> Result<Vec<SocketAddr>, GuardError> {
    let host = netloc.rsplit_once(':').map_or(netloc, |(host, _)| host);
    let addresses: Vec<SocketAddr> = netloc
        .to_socket_addrs()
        .map_err(|_| GuardError::NotFound(host.to_string()))?
        .collect();
    if addresses.is_empty() {
        return Err(GuardError::NotFound(host.to_string()));
    }
    for address in &addresses {
        check_ip(address.ip(), allow_private)?;
    }
    Ok(addresses)
}

/// Refuses an address webhooks may not reach, unless `allow_private`.
pub fn check_ip(ip: IpAddr, allow_private: bool) -> Result<(), GuardError> {
    if allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(GuardError::Private(ip))
    }
}

/// Whether `ip` is an ordinary address on the internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = a == 0 // "this network", 0.0.0.0 included
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT, 100.64/10
        || (a == 169 && b == 254) // link-local, where cloud metadata lives
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking, 198.18/15
        || a >= 224; // multicast, reserved, broadcast
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    // An IPv4 address written as IPv6 (::ffff:10.0.0.1, ::10.0.0.1, NAT64 64:ff9b::/96)
    // is the IPv4 address, and judged as one.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [_, _, _, _, _, _, high, low] = segments;
        return is_public_v4(Ipv4Addr::from(((high as u32) << 16) | low as u32));
    }
    if ip.is_unspecified() || ip.is_loopback() {
        return false;
    }
    if segments[..6] == [0, 0, 0, 0, 0, 0] {
        // IPv4-compatible (deprecated) ::a.b.c.d.
        let [_, _, _, _, _, _, high, low] = segments;
        return is_public_v4(Ipv4Addr::from(((high as u32) << 16) | low as u32));
    }
    let first = segments[0];
    let refused = (first & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated), fec0::/10
        || (first & 0xff00) == 0xff00; // multicast
    !refused
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_refused() {
        for refused in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            let ip: IpAddr = refused.parse().unwrap();
            assert!(!is_public(ip), "{refused} should be refused");
            assert_eq!(check_ip(ip, false), Err(GuardError::Private(ip)));
            assert_eq!(
                check_ip(ip, true),
                Ok(()),
                "{refused} allowed when private is"
            );
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public} is public");
        }
    }

    #[test]
    fn urls_are_checked_before_anything_is_looked_up() {
        for (url, error) in [
            (
                "https://127.0.0.1/hook",
                GuardError::Private("127.0.0.1".parse().unwrap()),
            ),
            (
                "https://10.0.0.1/hook",
                GuardError::Private("10.0.0.1".parse().unwrap()),
            ),
            (
                "https://169.254.169.254/latest/meta-data",
                GuardError::Private("169.254.169.254".parse().unwrap()),
            ),
            (
                "https://[::1]:8443/",
                GuardError::Private("::1".parse().unwrap()),
            ),
            (
                "https://[::ffff:10.0.0.1]/",
                GuardError::Private("::ffff:10.0.0.1".parse().unwrap()),
            ),
            ("http://example.com/hook", GuardError::NotHttps),
            ("https://user:secret@example.com/", GuardError::Credentials),
            ("ftp://example.com/", GuardError::Invalid),
            ("example.com/hook", GuardError::Invalid),
            ("https://", GuardError::Invalid),
        ] {
            assert_eq!(check_url(url, false).err(), Some(error), "{url}");
        }
        // Decimal and hexadecimal spellings of loopback are IP literals to the parser too.
        assert!(check_form("https://2130706433/", false).is_err());
        assert!(check_form("https://0x7f.1/", false).is_err());
        // Allowed, loopback and http are fine (the tests' listeners).
        assert!(check_url("http://127.0.0.1:9/hook", true).is_ok());
        assert!(check_url("https://93.184.216.34/hook", false).is_ok());
    }

    #[test]
    fn the_resolver_refuses_private_addresses_it_would_connect_to() {
        assert_eq!(
            resolve("127.0.0.1:80", false),
            Err(GuardError::Private("127.0.0.1".parse().unwrap()))
        );
        assert_eq!(
            resolve("[::1]:80", false),
            Err(GuardError::Private("::1".parse().unwrap()))
        );
        assert!(resolve("127.0.0.1:80", true).is_ok());
    }
}
