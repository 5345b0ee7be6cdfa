// The command table: every verb (and alias) Ferry implements, mapped to its spec.
import type { CommandSpec } from './command-spec.js';
import { dataSetupCommands } from './data-setup.js';
import { directoryCommands } from './directories.js';
import { fileOpsCommands } from './file-ops.js';
import { fileTransferCommands } from './file-transfer.js';
import { infoCommands } from './info.js';
import { loginCommands } from './login.js';
import { navigationCommands } from './navigation.js';
import { securityCommands } from './security.js';

export const ALL_COMMANDS: readonly CommandSpec[] = [
  ...loginCommands,
  ...securityCommands,
  ...navigationCommands,
  ...dataSetupCommands,
  ...fileTransferCommands,
  ...fileOpsCommands,
  ...directoryCommands,
  ...infoCommands(() => ALL_COMMANDS),
];

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  ALL_COMMANDS.flatMap((spec) => [spec.verb, ...(spec.aliases ?? [])].map((verb) => [verb, spec] as const)),
);
