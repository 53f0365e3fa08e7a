using Trailmap.Events;
using Trailmap.Web.Analysis;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Api;

/// <summary>
/// A tiny shop: three customers, eight events, and a three-stage journey over them. The expected numbers in the
/// tests are worked out by hand from these rows.
/// </summary>
internal static class ShopData
{
    // u1: View, Other, Cart (10 min), Buy (20 min). u2: View, Cart two days later. u3: View, Buy an hour later.
    public const string Events = """
        user_id,event,timestamp
        u1,View,2026-01-01T00:00:00Z
        u1,Other,2026-01-01T00:05:00Z
        u1,Cart,2026-01-01T00:10:00Z
        u1,Buy,2026-01-01T00:20:00Z
        u2,View,2026-01-01T00:00:00Z
        u2,Cart,2026-01-03T00:00:00Z
        u3,View,2026-01-01T00:00:00Z
        u3,Buy,2026-01-01T01:00:00Z
        """;

    public const string Journey = """
        id: shop
        title: Shop
        stages:
          - { id: view, name: View, entry: View, kpis: [{ id: carts, name: Carts, type: rate, event: Cart, target: ">= 50%" }] }
          - { id: cart, name: Cart, entry: Cart, kpis: [{ id: view-cart, name: View to cart, type: conversion, target: ">= 50%" }] }
          - { id: buy, name: Buy, entry: Buy, kpis: [{ id: cart-buy, name: Cart to buy, type: conversion, target: ">= 90%" }] }
        """;

    /// <summary>Imports the events into the workspace's store the way an import does, and tells the workspace.</summary>
    public static async Task ImportAsync(WorkspaceFactory factory, CancellationToken cancel)
    {
        var csv = Path.Combine(factory.Dir, "shop.csv");
        await File.WriteAllTextAsync(csv, Events, cancel);
        var data = factory.Service<EventData>();
        var summary = await data.UseAsync(store => EventImporter.Import(store, [csv], new ImportOptions(), null, cancel), cancel);
        summary.Imported.ShouldBe(8);
        data.Changed();
    }
}
