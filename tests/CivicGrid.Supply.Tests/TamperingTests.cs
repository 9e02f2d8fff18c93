using CivicGrid.Supply.Provenance;
using Xunit;

namespace CivicGrid.Supply.Tests;

public class TamperingTests
{
    [Fact]
    public void A_transfer_modified_after_signing_is_rejected()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        var signed = f.Sign(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0, "c1", "refiner", "plant", 5));
        var altered = signed with { Event = ((LotTransfer)signed.Event) with { ToOrganisationId = "maker" } };
        var ex = Assert.Throws<ProvenanceViolationException>(() => f.Registry.Apply(altered));
        Assert.Equal(ProvenanceViolation.BadSignature, ex.Violation);
        Assert.Equal("mine", f.Registry.Lots["c1"].HolderId);
    }

    [Fact]
    public void A_transfer_signed_by_another_organisation_is_rejected()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        // The refiner signs an event that claims to be the mine's.
        var forged = Supply.Provenance.EventSigning.Sign(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0, "c1", "refiner", "plant", 0), f.Keys["refiner"]);
        var ex = Assert.Throws<ProvenanceViolationException>(() => f.Registry.Apply(forged));
        Assert.Equal(ProvenanceViolation.BadSignature, ex.Violation);
    }

    [Fact]
    public void A_holder_cannot_be_bypassed_even_with_a_valid_signature()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        var ex = Assert.Throws<ProvenanceViolationException>(() =>
            f.Apply(new LotTransfer("refiner", f.Next("refiner"), ChainFixture.T0, "c1", "maker", "works", 0)));
        Assert.Equal(ProvenanceViolation.NotHolder, ex.Violation);
    }

    [Fact]
    public void A_replayed_event_is_rejected()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        f.Apply(f.Mine("c2", 1000));
        var toRefiner = f.Sign(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0, "c1", "refiner", "plant", 0));
        f.Registry.Apply(toRefiner);
        var ex = Assert.Throws<ProvenanceViolationException>(() => f.Registry.Apply(toRefiner));
        Assert.Equal(ProvenanceViolation.Replay, ex.Violation);
    }

    [Fact]
    public void A_file_whose_history_was_edited_does_not_load()
    {
        var registry = SupplyChainGenerator.Generate(new GeneratedChainOptions(Months: 1), ChainFixture.T0);
        var json = SupplyChainDocument.From(registry).ToJson();
        Assert.Equal(registry.Events.Count, SupplyChainDocument.Parse(json, "chain.json").Replay("chain.json").Events.Count);

        var firstMass = ((LotRegistration)registry.Events[0].Event).MassKilograms;
        var edited = json.Replace(firstMass.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "99999", StringComparison.Ordinal);
        Assert.NotEqual(json, edited);
        var ex = Assert.Throws<SupplyChainFormatException>(() => SupplyChainDocument.Parse(edited, "chain.json").Replay("chain.json"));
        Assert.Contains("event 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BadSignature", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "chain.json:")]
    [InlineData("{\"organisations\": [], \"events\": [{\"event\": {\"type\": \"teleport\"}}]}", "chain.json:")]
    [InlineData("[]", "chain.json")]
    public void Malformed_files_give_a_clear_error(string json, string expectedPrefix)
    {
        var ex = Assert.Throws<SupplyChainFormatException>(() => SupplyChainDocument.Parse(json, "chain.json"));
        Assert.StartsWith(expectedPrefix, ex.Message, StringComparison.Ordinal);
    }
}
