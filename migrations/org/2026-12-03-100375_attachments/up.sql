-- Photos and PDFs on work orders and fault reports. The files live in the file store under
-- keys we make; a photo is stored re-encoded (turned upright, every metadata block dropped)
-- with a small JPEG thumbnail beside it.
CREATE TABLE attachments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    work_order_id UUID REFERENCES work_orders (id) ON DELETE CASCADE,
    service_request_id UUID REFERENCES service_requests (id) ON DELETE CASCADE,
    file_name VARCHAR(255) NOT NULL,
    content_type VARCHAR(100) NOT NULL,
    byte_size INTEGER NOT NULL CHECK (byte_size >= 0),
    storage_key VARCHAR(200) NOT NULL,
    thumbnail_key VARCHAR(200),
    width INTEGER,
    height INTEGER,
    uploaded_by UUID,
    uploaded_by_name VARCHAR(255) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(work_order_id, service_request_id) = 1)
);
CREATE INDEX idx_attachments_work_order ON attachments (work_order_id, created_at)
    WHERE work_order_id IS NOT NULL;
CREATE INDEX idx_attachments_service_request ON attachments (service_request_id, created_at)
    WHERE service_request_id IS NOT NULL;
