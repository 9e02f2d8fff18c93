-- Orleans ADO.NET schema for PostgreSQL, as CivicGrid installs it: the query catalogue, cluster membership
-- and grain state. Written for Orleans 10.4 (Microsoft.Orleans.Clustering.AdoNet / Persistence.AdoNet);
-- Orleans reads queries from OrleansQuery by key and binds parameters and result columns by name, so those
-- names follow the Orleans contract. Applied once, inside one transaction, when OrleansQuery is missing.

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

-- ---------------------------------------------------------------- membership (clustering)

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,
    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Creates the version row of a deployment; returns 1 when created, 0 when it already existed.
CREATE FUNCTION civicgrid_orleans_insert_membership_version(p_deployment varchar)
RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
    INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (p_deployment)
    ON CONFLICT (DeploymentId) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN QUERY SELECT n;
END $$;

-- Adds a silo row and bumps the table version, both or neither (optimistic on the version).
CREATE FUNCTION civicgrid_orleans_insert_membership(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer, p_silo_name varchar,
    p_host_name varchar, p_status integer, p_proxy_port integer, p_start timestamptz, p_alive timestamptz, p_version integer)
RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
    UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
    WHERE DeploymentId = p_deployment AND Version = p_version;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start, p_alive)
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        -- The silo row exists already: undo the version bump.
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'civicgrid: membership row exists';
    END IF;
    RETURN QUERY SELECT 1;
EXCEPTION WHEN SQLSTATE 'P0001' THEN
    RETURN QUERY SELECT 0;
END $$;

-- Updates a silo row and bumps the table version, both or neither.
CREATE FUNCTION civicgrid_orleans_update_membership(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer, p_status integer,
    p_suspect_times varchar, p_alive timestamptz, p_version integer)
RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
    UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
    WHERE DeploymentId = p_deployment AND Version = p_version;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;
    UPDATE OrleansMembershipTable
    SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_alive
    WHERE DeploymentId = p_deployment AND Address = p_address AND Port = p_port AND Generation = p_generation;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'civicgrid: membership row missing';
    END IF;
    RETURN QUERY SELECT 1;
EXCEPTION WHEN SQLSTATE 'P0001' THEN
    RETURN QUERY SELECT 0;
END $$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpdateIAmAlivetimeKey', '
    UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;'),
('InsertMembershipVersionKey', '
    SELECT row_count FROM civicgrid_orleans_insert_membership_version(@DeploymentId);'),
('InsertMembershipKey', '
    SELECT row_count FROM civicgrid_orleans_insert_membership(@DeploymentId, @Address, @Port, @Generation,
        @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),
('UpdateMembershipKey', '
    SELECT row_count FROM civicgrid_orleans_update_membership(@DeploymentId, @Address, @Port, @Generation,
        @Status, @SuspectTimes, @IAmAliveTime, @Version);'),
('MembershipReadRowKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
        AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    WHERE v.DeploymentId = @DeploymentId;'),
('MembershipReadAllKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;'),
('DeleteMembershipTableEntriesKey', '
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;'),
('GatewaysQueryKey', '
    SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;'),
('CleanupDefunctSiloEntriesKey', '
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status != 3;');

-- ---------------------------------------------------------------- grain state (persistence)

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    PayloadXml             xml          NULL,
    PayloadJson            text         NULL,
    ModifiedOn             timestamp    NOT NULL,
    Version                integer      NULL
);

CREATE INDEX IX_OrleansStorage ON OrleansStorage USING btree (GrainIdHash, GrainTypeHash);

-- Orleans 10 sends the serialized state as @PayloadBinary only; the JSON and XML columns stay for readers of
-- older rows. Writes grain state. With a version: update only that version (optimistic concurrency). Without one:
-- insert only if no row exists. Returns the new version, or the old one when nothing was written, which
-- Orleans reports as an InconsistentStateException.
CREATE FUNCTION civicgrid_orleans_write_storage(
    p_id_hash integer, p_n0 bigint, p_n1 bigint, p_type_hash integer, p_type varchar, p_ext varchar,
    p_service varchar, p_version integer, p_binary bytea)
RETURNS TABLE (NewGrainStateVersion integer) LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
    IF p_version IS NOT NULL THEN
        UPDATE OrleansStorage
        SET PayloadBinary = p_binary, PayloadJson = NULL, PayloadXml = NULL,
            ModifiedOn = (now() AT TIME ZONE 'utc'), Version = Version + 1
        WHERE GrainIdHash = p_id_hash AND GrainTypeHash = p_type_hash AND GrainIdN0 = p_n0 AND GrainIdN1 = p_n1
          AND GrainTypeString = p_type AND GrainIdExtensionString IS NOT DISTINCT FROM p_ext
          AND ServiceId = p_service AND Version = p_version;
        GET DIAGNOSTICS n = ROW_COUNT;
        RETURN QUERY SELECT CASE WHEN n > 0 THEN p_version + 1 ELSE p_version END;
        RETURN;
    END IF;
    -- Serialise first inserts of the same grain so exactly one wins.
    PERFORM pg_advisory_xact_lock(p_id_hash, p_type_hash);
    INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
        GrainIdExtensionString, ServiceId, PayloadBinary, PayloadJson, PayloadXml, ModifiedOn, Version)
    SELECT p_id_hash, p_n0, p_n1, p_type_hash, p_type, p_ext, p_service, p_binary, NULL, NULL, (now() AT TIME ZONE 'utc'), 1
    WHERE NOT EXISTS (
        SELECT 1 FROM OrleansStorage
        WHERE GrainIdHash = p_id_hash AND GrainTypeHash = p_type_hash AND GrainIdN0 = p_n0 AND GrainIdN1 = p_n1
          AND GrainTypeString = p_type AND GrainIdExtensionString IS NOT DISTINCT FROM p_ext AND ServiceId = p_service);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN QUERY SELECT CASE WHEN n > 0 THEN 1 ELSE NULL::integer END;
END $$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
    SELECT NewGrainStateVersion FROM civicgrid_orleans_write_storage(@GrainIdHash, @GrainIdN0, @GrainIdN1,
        @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);'),
('ReadFromStorageKey', '
    SELECT PayloadBinary, PayloadXml, PayloadJson, (now() AT TIME ZONE ''utc''), Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString AND ServiceId = @ServiceId;'),
('ClearStorageKey', '
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, PayloadJson = NULL, PayloadXml = NULL, Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString AND ServiceId = @ServiceId
      AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;'),
('DeleteStorageKey', '
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString AND ServiceId = @ServiceId
      AND Version = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;');
