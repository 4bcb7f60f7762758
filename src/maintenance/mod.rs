//! Preventive maintenance: schedules that raise work orders by themselves. [`cycle`] holds the
//! calendar arithmetic of when each visit falls due.

pub mod cycle;
