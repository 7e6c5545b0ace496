import { describe, expect, it } from "vitest";
import { fileOffsetOf, perfStatCount, symbolAddress } from "../../bench/load/runtime-objects.ts";

// As `readelf -lW` prints the program headers of workerd 1.20261023.1 (linux-64), which the project pins.
const READELF = `
Program Headers:
  Type           Offset   VirtAddr           PhysAddr           FileSiz  MemSiz   Flg Align
  PHDR           0x000040 0x0000000000000040 0x0000000000000040 0x0002d8 0x0002d8 R   0x8
  LOAD           0x000000 0x0000000000000000 0x0000000000000000 0x22c0d70 0x22c0d70 R   0x1000
  LOAD           0x22c1000 0x00000000022c2000 0x00000000022c2000 0x3e78b40 0x3e78b40 R E 0x1000
  LOAD           0x6139b40 0x000000000613bb40 0x000000000613bb40 0x190c40 0x1914c0 RW  0x1000
`;

const NM = [
  "0000000003e07e10 T workerd::jsg::HeapTracer::destroy()",
  "0000000003e07ed0 T workerd::jsg::HeapTracer::allocateShim(workerd::jsg::Wrappable&, v8::CppHeapPointerTag)",
  "0000000003e0a8f0 t workerd::jsg::Wrappable::CppgcShim::~CppgcShim()",
].join("\n");

describe("the uprobe's place in workerd's binary", () => {
  it("takes the address nm gives the symbol", () => {
    expect(symbolAddress(NM, "workerd::jsg::HeapTracer::allocateShim(")).toBe(0x3e07ed0);
  });

  it("maps a code address to its file offset through the segment that loads it", () => {
    // The code segment sits 0x1000 lower in the file than in memory.
    expect(fileOffsetOf(0x3e07ed0, READELF)).toBe(0x3e06ed0);
    // The first segment maps one to one.
    expect(fileOffsetOf(0x1000, READELF)).toBe(0x1000);
  });

  it("refuses a symbol the binary lacks, and an address no segment loads", () => {
    expect(() => symbolAddress(NM, "workerd::jsg::Nothing(")).toThrow(/not among/);
    expect(() => fileOffsetOf(0x7000000, READELF)).toThrow(/no loadable segment/);
  });
});

describe("the count perf stat prints", () => {
  const EVENT = "probe_workerd:edge_auth_wrapper";

  it("reads the event's count off perf's CSV line", () => {
    const output = `\n152625,,${EVENT},13012345678,100.00,,\n`;
    expect(perfStatCount(output, EVENT)).toBe(152625);
  });

  it("refuses an event perf did not count, or did not print, rather than read it as zero", () => {
    expect(() => perfStatCount(`<not counted>,,${EVENT},0,100.00,,\n`, EVENT)).toThrow(/no count/);
    expect(() => perfStatCount("Error: No permissions\n", EVENT)).toThrow(/no count/);
  });
});
