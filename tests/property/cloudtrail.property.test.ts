import { propertySuite } from './suite';

propertySuite('cloudtrail');
