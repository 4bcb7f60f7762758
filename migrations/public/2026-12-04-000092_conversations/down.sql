DROP TABLE conversation_files;
DROP TABLE conversation_messages;
DROP TABLE conversation_participants;
DROP TABLE conversations;
