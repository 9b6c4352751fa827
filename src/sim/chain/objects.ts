import { fcInt64, fcTime, fcUint64 } from './fcJson.js';

/** Stored account: what the simulator needs to answer account calls. */
export type AccountRecord = {
  id: string;
  name: string;
  ownerPub: string;
  activePub: string;
  memoPub: string;
};

export type AssetRecord = {
  id: string;
  symbol: string;
  precision: number;
  maxSupply: bigint;
};

const authority = (pub: string) => ({
  weight_threshold: 1,
  account_auths: [],
  key_auths: [[pub, 1]],
  address_auths: [],
});

/** Account object with the field set and order of a real node's `account_object`. */
export function accountJson(a: AccountRecord): Record<string, unknown> {
  const n = a.id.split('.')[2];
  return {
    id: a.id,
    membership_expiration_date: '1970-01-01T00:00:00',
    registrar: '1.2.0',
    referrer: '1.2.0',
    lifetime_referrer: '1.2.0',
    network_fee_percentage: 2000,
    lifetime_referrer_fee_percentage: 3000,
    referrer_rewards_percentage: 0,
    name: a.name,
    owner: authority(a.ownerPub),
    active: authority(a.activePub),
    options: {
      memo_key: a.memoPub,
      voting_account: '1.2.5',
      num_witness: 0,
      num_committee: 0,
      votes: [],
      extensions: [],
    },
    num_committee_voted: 0,
    statistics: `2.6.${n}`,
    whitelisting_accounts: [],
    blacklisting_accounts: [],
    whitelisted_accounts: [],
    blacklisted_accounts: [],
    owner_special_authority: [0, {}],
    active_special_authority: [0, {}],
    top_n_control_flags: 0,
    creation_block_num: 0,
    creation_time: '2015-10-13T14:12:24',
  };
}

/** Asset object as `lookup_asset_symbols` returns it. */
export function assetJson(a: AssetRecord): Record<string, unknown> {
  const n = a.id.split('.')[2];
  return {
    id: a.id,
    symbol: a.symbol,
    precision: a.precision,
    issuer: a.id === '1.3.0' ? '1.2.3' : '1.2.0',
    options: {
      max_supply: fcInt64(a.maxSupply),
      market_fee_percent: 0,
      max_market_fee: fcInt64(a.maxSupply),
      issuer_permissions: 0,
      flags: 0,
      core_exchange_rate: {
        base: { amount: fcInt64(1n), asset_id: '1.3.0' },
        quote: { amount: fcInt64(1n), asset_id: a.id },
      },
      whitelist_authorities: [],
      blacklist_authorities: [],
      whitelist_markets: [],
      blacklist_markets: [],
      description: '',
      extensions: [],
    },
    dynamic_asset_data_id: `2.3.${n}`,
    ...(a.id === '1.3.0' ? {} : { bitasset_data_id: `2.4.${n}` }),
    creation_block_num: 0,
    creation_time: '2015-10-13T14:12:24',
    total_in_collateral: fcInt64(0n),
  };
}

/** Dynamic global properties (object 2.1.0); `time` is UTC without `Z`. */
export function dgpJson(p: {
  head: number;
  headId: string;
  headTimeMs: number;
  lib: number;
  blockTimeMs: number;
}): Record<string, unknown> {
  const hour = 3_600_000;
  const nextMaint = Math.floor(p.headTimeMs / hour) * hour + hour;
  return {
    id: '2.1.0',
    head_block_number: p.head,
    head_block_id: p.headId,
    time: fcTime(p.headTimeMs),
    current_witness: `1.6.${(p.head % 21) + 1}`,
    next_maintenance_time: fcTime(nextMaint),
    last_vote_tally_time: fcTime(nextMaint - hour),
    last_budget_time: fcTime(nextMaint - hour),
    witness_budget: fcInt64(91_800_000n), // share_type
    total_pob: fcInt64(0n),
    total_inactive: fcInt64(0n),
    accounts_registered_this_interval: 0,
    recently_missed_count: 0,
    current_aslot: fcUint64(p.head + 1000), // uint64
    recent_slots_filled: '340282366920938463463374607431768211455',
    dynamic_flags: 0,
    last_irreversible_block_num: p.lib,
  };
}

/** Global properties (object 2.0.0) with the fee schedule and size limits the daemon reads. */
export function globalPropertiesJson(p: { transferFee: bigint; pricePerKbyte: bigint; blockTimeMs: number }): Record<string, unknown> {
  return {
    id: '2.0.0',
    parameters: {
      current_fees: {
        parameters: [
          [
            0,
            {
              fee: fcUint64(p.transferFee), // uint64 in transfer_operation::fee_parameters_type
              price_per_kbyte: Number(p.pricePerKbyte), // uint32
            },
          ],
        ],
        scale: 10000,
      },
      block_interval: Math.max(1, Math.round(p.blockTimeMs / 1000)),
      maintenance_interval: 3600,
      maintenance_skip_slots: 3,
      committee_proposal_review_period: 1_209_600,
      maximum_transaction_size: 2048,
      maximum_block_size: 2_000_000,
      maximum_time_until_expiration: 86_400,
      maximum_proposal_lifetime: 2_419_200,
      maximum_asset_whitelist_authorities: 10,
      maximum_asset_feed_publishers: 10,
      maximum_witness_count: 1001,
      maximum_committee_count: 1001,
      maximum_authority_membership: 10,
      reserve_percent_of_fee: 2000,
      network_percent_of_fee: 2000,
      lifetime_referrer_percent_of_fee: 3000,
      cashback_vesting_period_seconds: 7_776_000,
      cashback_vesting_threshold: fcInt64(10_000_000n), // share_type: int64 rule, like every amount
      count_non_member_votes: true,
      allow_non_member_whitelists: false,
      witness_pay_per_block: fcInt64(150_000n),
      worker_budget_per_day: fcInt64(50_000_000_000n),
      max_predicate_opcode: 1,
      fee_liquidation_threshold: fcInt64(10_000_000n),
      accounts_per_fee_scale: 1000,
      account_fee_scale_bitshifts: 4,
      max_authority_depth: 2,
      extensions: {},
    },
    next_available_vote_id: 1000,
    active_committee_members: [],
    active_witnesses: [],
  };
}
