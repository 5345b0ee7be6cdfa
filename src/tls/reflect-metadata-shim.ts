// Minimal Reflect metadata API (the reflect-metadata proposal subset) that @peculiar/x509 needs:
// its DI container (tsyringe) throws at load time without one, and we add no npm dependency for it.
// Installs nothing when a full polyfill is already present. Import it before '@peculiar/x509'.

type Key = string | symbol | undefined;
type MetadataStore = WeakMap<object, Map<Key, Map<unknown, unknown>>>;

interface MetadataReflect {
  defineMetadata(metadataKey: unknown, value: unknown, target: object, propertyKey?: string | symbol): void;
  hasOwnMetadata(metadataKey: unknown, target: object, propertyKey?: string | symbol): boolean;
  hasMetadata(metadataKey: unknown, target: object, propertyKey?: string | symbol): boolean;
  getOwnMetadata(metadataKey: unknown, target: object, propertyKey?: string | symbol): unknown;
  getMetadata(metadataKey: unknown, target: object, propertyKey?: string | symbol): unknown;
  getOwnMetadataKeys(target: object, propertyKey?: string | symbol): unknown[];
  getMetadataKeys(target: object, propertyKey?: string | symbol): unknown[];
  deleteMetadata(metadataKey: unknown, target: object, propertyKey?: string | symbol): boolean;
  metadata(metadataKey: unknown, value: unknown): (target: object, propertyKey?: string | symbol) => void;
}

function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Partial<MetadataReflect>;
  if (typeof reflect.getMetadata === 'function' && typeof reflect.defineMetadata === 'function') return;

  const store: MetadataStore = new WeakMap();
  const ownMap = (target: object, propertyKey: Key, create: boolean): Map<unknown, unknown> | undefined => {
    let byProperty = store.get(target);
    if (!byProperty) {
      if (!create) return undefined;
      byProperty = new Map();
      store.set(target, byProperty);
    }
    let map = byProperty.get(propertyKey);
    if (!map && create) {
      map = new Map();
      byProperty.set(propertyKey, map);
    }
    return map;
  };
  // Metadata is inherited along the prototype chain, as in the proposal.
  const findMap = (metadataKey: unknown, target: object, propertyKey: Key): Map<unknown, unknown> | undefined => {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
      const map = ownMap(t, propertyKey, false);
      if (map?.has(metadataKey)) return map;
    }
    return undefined;
  };

  const api: MetadataReflect = {
    defineMetadata: (metadataKey, value, target, propertyKey) => {
      ownMap(target, propertyKey, true)!.set(metadataKey, value);
    },
    hasOwnMetadata: (metadataKey, target, propertyKey) => ownMap(target, propertyKey, false)?.has(metadataKey) ?? false,
    hasMetadata: (metadataKey, target, propertyKey) => findMap(metadataKey, target, propertyKey) !== undefined,
    getOwnMetadata: (metadataKey, target, propertyKey) => ownMap(target, propertyKey, false)?.get(metadataKey),
    getMetadata: (metadataKey, target, propertyKey) => findMap(metadataKey, target, propertyKey)?.get(metadataKey),
    getOwnMetadataKeys: (target, propertyKey) => [...(ownMap(target, propertyKey, false)?.keys() ?? [])],
    getMetadataKeys: (target, propertyKey) => {
      const keys = new Set<unknown>();
      for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
        for (const key of ownMap(t, propertyKey, false)?.keys() ?? []) keys.add(key);
      }
      return [...keys];
    },
    deleteMetadata: (metadataKey, target, propertyKey) => ownMap(target, propertyKey, false)?.delete(metadataKey) ?? false,
    metadata: (metadataKey, value) => (target, propertyKey) => {
      ownMap(target, propertyKey, true)!.set(metadataKey, value);
    },
  };
  for (const [name, fn] of Object.entries(api)) {
    Object.defineProperty(Reflect, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}

installReflectMetadata();
