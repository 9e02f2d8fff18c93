using System.Reflection;
using BenchmarkDotNet.Running;

// Each engine adds its benchmarks as classes in a folder of its own (Water/, Energy/, …);
// `dotnet run -c Release --project bench/CivicGrid.Benchmarks -- --filter '*Water*'` runs a subset.
BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
