using CivicGrid.Platform.Runtime;
using CivicGrid.Testing;
using Microsoft.Data.Sqlite;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit;

namespace CivicGrid.Platform.Tests;

public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly TempFolder _folder = RepositoryPaths.CreateTempFolder();

    public sealed class Counter
    {
        public int Value { get; set; }

        public List<string> Notes { get; set; } = [];
    }

    private string DatabasePath => Path.Combine(_folder.Path, "nested", "grains.db");

    private static readonly GrainId Grain = GrainId.Create("meter", "riverside-h001-meter");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task Reading_state_that_was_never_written_gives_a_default_without_etag()
    {
        using var storage = new SqliteGrainStorage(DatabasePath, "svc");
        var state = new GrainState<Counter>();
        await storage.ReadStateAsync("counter", Grain, state);
        Assert.NotNull(state.State);
        Assert.Equal(0, state.State!.Value);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task Written_state_is_read_back_by_a_new_storage_instance_on_the_same_file()
    {
        using (var storage = new SqliteGrainStorage(DatabasePath, "svc"))
        {
            var state = new GrainState<Counter>(new Counter { Value = 41, Notes = ["a", "b"] });
            await storage.WriteStateAsync("counter", Grain, state);
            Assert.Equal("1", state.ETag);
            state.State!.Value = 42;
            await storage.WriteStateAsync("counter", Grain, state);
            Assert.Equal("2", state.ETag);
        }
        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteGrainStorage(DatabasePath, "svc");
        var read = new GrainState<Counter>();
        await reopened.ReadStateAsync("counter", Grain, read);
        Assert.Equal(42, read.State!.Value);
        Assert.Equal(["a", "b"], read.State!.Notes);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task A_write_based_on_a_stale_read_is_rejected_instead_of_losing_an_update()
    {
        using var storage = new SqliteGrainStorage(DatabasePath, "svc");
        await storage.WriteStateAsync("counter", Grain, new GrainState<Counter>(new Counter { Value = 1 }));
        var first = new GrainState<Counter>();
        var second = new GrainState<Counter>();
        await storage.ReadStateAsync("counter", Grain, first);
        await storage.ReadStateAsync("counter", Grain, second);
        first.State!.Value = 10;
        await storage.WriteStateAsync("counter", Grain, first);
        second.State!.Value = 20;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", Grain, second));
        var read = new GrainState<Counter>();
        await storage.ReadStateAsync("counter", Grain, read);
        Assert.Equal(10, read.State!.Value);
    }

    [Fact]
    public async Task Two_first_writes_of_the_same_grain_cannot_both_succeed()
    {
        using var storage = new SqliteGrainStorage(DatabasePath, "svc");
        await storage.WriteStateAsync("counter", Grain, new GrainState<Counter>(new Counter { Value = 1 }));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("counter", Grain, new GrainState<Counter>(new Counter { Value = 2 })));
    }

    [Fact]
    public async Task Clearing_removes_the_state_and_checks_the_version()
    {
        using var storage = new SqliteGrainStorage(DatabasePath, "svc");
        var state = new GrainState<Counter>(new Counter { Value = 5 });
        await storage.WriteStateAsync("counter", Grain, state);
        var stale = new GrainState<Counter> { ETag = "1", State = new Counter() };
        state.State!.Value = 6;
        await storage.WriteStateAsync("counter", Grain, state);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counter", Grain, stale));
        await storage.ClearStateAsync("counter", Grain, state);
        Assert.Null(state.ETag);
        var read = new GrainState<Counter>();
        await storage.ReadStateAsync("counter", Grain, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Service_ids_state_names_and_grains_are_isolated()
    {
        using var a = new SqliteGrainStorage(DatabasePath, "svc-a");
        using var b = new SqliteGrainStorage(DatabasePath, "svc-b");
        await a.WriteStateAsync("counter", Grain, new GrainState<Counter>(new Counter { Value = 1 }));
        await a.WriteStateAsync("other", Grain, new GrainState<Counter>(new Counter { Value = 2 }));
        await a.WriteStateAsync("counter", GrainId.Create("meter", "x"), new GrainState<Counter>(new Counter { Value = 3 }));
        var fromB = new GrainState<Counter>();
        await b.ReadStateAsync("counter", Grain, fromB);
        Assert.False(fromB.RecordExists);
        var other = new GrainState<Counter>();
        await a.ReadStateAsync("other", Grain, other);
        Assert.Equal(2, other.State!.Value);
    }

    [Fact]
    public async Task A_corrupted_database_file_gives_a_storage_error_naming_the_file()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllTextAsync(DatabasePath, new string('x', 4096), TestContext.Current.CancellationToken);
        using var storage = new SqliteGrainStorage(DatabasePath, "svc");
        var error = await Assert.ThrowsAsync<PlatformStorageException>(() => storage.ReadStateAsync("counter", Grain, new GrainState<Counter>()));
        Assert.Contains("grains.db", error.Message, StringComparison.Ordinal);
    }
}
