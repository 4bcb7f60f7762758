-- Who on site accepted the work when it was completed, and their drawn signature (a PNG in
-- the file store; none when the form was sent without JavaScript).
CREATE TABLE work_order_signoffs (
    work_order_id UUID PRIMARY KEY REFERENCES work_orders (id) ON DELETE CASCADE,
    accepted_by_name VARCHAR(255) NOT NULL,
    signature_key VARCHAR(200),
    signed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    recorded_by UUID,
    recorded_by_name VARCHAR(255) NOT NULL
);
