DROP TABLE marketplace_transactions;
DROP TABLE marketplace_inquiry_messages;
DROP TABLE marketplace_inquiries;
DROP TABLE marketplace_listing_images;
DROP TABLE marketplace_listings;
DROP TYPE marketplace_transaction_status;
DROP TYPE listing_status;
DROP TYPE part_condition;
DROP EXTENSION IF EXISTS fuzzystrmatch;
