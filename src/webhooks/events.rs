//! The events a webhook can subscribe to: one list, so a new one (`invoice.issued`) is one
//! variant here and one `emit` where it happens.

/// An event subscribers hear of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    WorkOrderCreated,
    WorkOrderStatusChanged,
    WorkOrderCompleted,
    FaultReportCreated,
    ElevatorStatusChanged,
}

/// The event type of a delivery sent with "Send test event": to one subscription only,
/// whatever it subscribed to.
pub const PING: &str = "ping";

impl Event {
    /// Every event, in the order the form lists them.
    pub const ALL: &'static [Event] = &[
        Event::WorkOrderCreated,
        Event::WorkOrderStatusChanged,
        Event::WorkOrderCompleted,
        Event::FaultReportCreated,
        Event::ElevatorStatusChanged,
    ];

    /// The name receivers see (`type` in the payload, the `SiteSync-Event` header) and the
    /// subscriptions store.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::WorkOrderCreated => "work_order.created",
            Event::WorkOrderStatusChanged => "work_order.status_changed",
            Event::WorkOrderCompleted => "work_order.completed",
            Event::FaultReportCreated => "fault_report.created",
            Event::ElevatorStatusChanged => "elevator.status_changed",
        }
    }

    /// What the form says of it.
    pub fn label(self) -> &'static str {
        match self {
            Event::WorkOrderCreated => "A work order is raised",
            Event::WorkOrderStatusChanged => "A work order changes status",
            Event::WorkOrderCompleted => "A work order is completed",
            Event::FaultReportCreated => "A fault report comes in",
            Event::ElevatorStatusChanged => "A lift changes status",
        }
    }

    pub fn parse(name: &str) -> Option<Event> {
        Event::ALL.iter().copied().find(|e| e.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::Event;

    #[test]
    fn every_event_reads_back_from_its_name() {
        for event in Event::ALL {
            assert_eq!(Event::parse(event.as_str()), Some(*event));
        }
        assert_eq!(Event::parse("ping"), None);
    }
}
