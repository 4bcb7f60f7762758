CREATE TYPE work_order_status AS ENUM ('draft', 'pending', 'scheduled', 'in_progress', 'on_hold', 'completed', 'cancelled', 'invoiced');
CREATE TYPE work_order_priority AS ENUM ('emergency', 'high', 'medium', 'low', 'scheduled');
CREATE TYPE work_order_type AS ENUM ('breakdown', 'preventive', 'inspection', 'installation', 'modernization', 'callback', 'audit');
