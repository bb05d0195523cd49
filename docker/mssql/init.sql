-- Run by the mssql-init service (docker/compose.yaml) after SQL Server is healthy. Idempotent:
-- safe on every `docker compose up`. migrate does not create the database; this does.
SET NOCOUNT ON;
GO

IF DB_ID(N'wafer') IS NULL
BEGIN
    -- Case-insensitive, as sqlserver.md assumes (and as the test settings use for test databases).
    CREATE DATABASE [wafer] COLLATE SQL_Latin1_General_CP1_CI_AS;
    PRINT 'Created database wafer.';
END
GO

-- Readers see the last committed version instead of blocking on writers' locks (sqlserver.md, Locks).
-- Only altered when still off: ROLLBACK IMMEDIATE would otherwise cut live connections on every run.
IF EXISTS (SELECT 1 FROM sys.databases WHERE name = N'wafer' AND is_read_committed_snapshot_on = 0)
BEGIN
    ALTER DATABASE [wafer] SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;
    PRINT 'Enabled READ_COMMITTED_SNAPSHOT on wafer.';
END
GO

SELECT name, collation_name, is_read_committed_snapshot_on FROM sys.databases WHERE name = N'wafer';
GO
